"""Demo contributions and gates (an open vote in design, with Ali voting by text reply; a
sign-off waiting in commissioning), activities with attendance in every project that is not
closed, one idea answered and one waiting, expert1's consent and access needs, and money in the
design project: a payment policy with a rate change, payments for taking part (paid, declined,
due and overdue), and expenses claimed, approved and refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from coproduce.models import User
from coproduce.sms import InboundMessage
from projects.models import Choice, Gate, Project, ResponseOutcome
from projects.services import gates

from .models import (
    AccessNeeds,
    Activity,
    ActivityKind,
    Answer,
    ChannelChoice,
    Contribution,
    InvolvementPayment,
    NotificationPreference,
    PaymentMethod,
    PaymentStatus,
    Presence,
    Purpose,
)
from .services import activities, contributions, payments
from .services.access import save_access_needs
from .services.consent import decide
from .services.texts import receive_text


def _take_part(project: Project, author: User, body: str) -> None:
    Contribution.objects.get_or_create(
        project=project, author=author, stage=project.stage, defaults={"body": body}
    )


# Ali (expert3) has a basic phone: texts only, and votes by replying to the voting text.
DEMO_TEXTER_PHONE = "+447700900303"


def _texts_only(user: User) -> None:
    user.phone, user.phone_verified = DEMO_TEXTER_PHONE, True
    user.save(update_fields=["phone", "phone_verified"])
    NotificationPreference.objects.update_or_create(
        user=user, defaults={"channel": ChannelChoice.SMS}
    )


def _votes_by_text(user: User, gate: Gate) -> None:
    """A NO without a reason (asked why), the reason, then a question the service cannot
    answer, which the co-leads see on their "Texts to look at" page."""
    for n, body in enumerate(
        [
            "NO",
            "Dogs need a room of their own, away from the beds",
            "Is the meeting still on Tuesday?",
        ],
        start=1,
    ):
        message = InboundMessage(f"demo-{gate.pk}-{n}", user.phone, body)
        receive_text(provider="demo", message=message)


def seed(people: dict[str, User], *, projects: dict[str, Project], **_others: Any) -> None:
    lead = people["practitioner1"]
    design = projects["demo-night-shelter"]
    if not design.gates.exists():
        _take_part(design, people["expert1"], "Let people bring their dogs.")
        _take_part(design, people["expert2"], "Beds must be held for people who work nights.")
        gate = gates.draft_gate(
            project=design,
            actor=lead,
            proposal="Start running the redesigned shelter: dogs welcome, beds held till midnight.",
            what_changes="The shelter opens with the new rules from next month.",
        )
        _texts_only(people["expert3"])
        gate = gates.open_gate(gate=gate, actor=lead)
        gates.cast_vote(gate=gate, voter=people["expert2"], choice=Choice.APPROVE)
        _votes_by_text(people["expert3"], gate)

    commissioning = projects["demo-recovery-cafe"]
    if not commissioning.gates.exists():
        _take_part(commissioning, people["expert3"], "Fund the café for three years, not one.")
        gate = gates.draft_gate(
            project=commissioning,
            actor=lead,
            proposal="Award the recovery café contract for three years.",
            what_changes="The café is funded until 2029 and evaluated every year.",
        )
        gate = gates.open_gate(gate=gate, actor=lead)
        voters = (
            "expert1",
            "expert2",
            "expert3",
            "practitioner1",
            "practitioner2",
            "practitioner3",
        )
        for name in voters:
            gates.cast_vote(gate=gate, voter=people[name], choice=Choice.APPROVE)

    expert1 = people["expert1"]
    if not AccessNeeds.objects.filter(user=expert1).exists():
        decide(
            user=expert1,
            choices={Purpose.TAKING_PART: True, Purpose.QUOTING: True, Purpose.NAME_SHARED: True},
        )
        save_access_needs(
            user=expert1,
            consent_given=True,
            easy_read=True,
            contact_by="text",
            support_person_name="Jo (key worker)",
            support_person_contact="07700 900321",
            timing="Afternoons; a short break every hour",
            briefing=True,
            anything_else="Please send papers a week before, printed.",
        )

    for project in projects.values():
        if not project.is_closed and not Activity.objects.filter(project=project).exists():
            _activities(project, people)
    idea = Contribution.objects.filter(project=design, author=people["expert1"]).first()
    if idea is not None and not hasattr(idea, "response"):
        contributions.respond(
            contribution=idea,
            responder=lead,
            outcome=ResponseOutcome.DONE,
            body="Dogs are welcome from the first night. We found kennels for two.",
        )
    if not design.payment_policies.exists():
        seed_money(design, lead=lead, claimants=[people[f"expert{n}"] for n in (1, 2, 3)])


def _activities(project: Project, people: dict[str, User]) -> None:
    """A workshop last week with who took part recorded, and a meeting next week that expert1
    is coming to and has asked an adjustment for."""
    lead, now = people["practitioner1"], timezone.now()
    workshop = activities.plan_activity(
        project=project,
        actor=lead,
        kind=ActivityKind.WORKSHOP,
        title="Planning workshop",
        starts_at=(now - timedelta(days=7)).replace(hour=14, minute=0, second=0, microsecond=0),
        duration_minutes=120,
        place="Community room, 12 High Street",
        preparation_minutes=30,
        follow_up_minutes=30,
    )
    absent = {people["expert3"].pk}
    activities.record_attendance(
        activity=workshop,
        actor=lead,
        presence={
            person.pk: Presence.ABSENT if person.pk in absent else Presence.ATTENDED
            for name, person in people.items()
            if name.startswith(("expert", "practitioner"))
        },
    )
    meeting = activities.plan_activity(
        project=project,
        actor=lead,
        kind=ActivityKind.MEETING,
        title="Check-in meeting",
        starts_at=(now + timedelta(days=7)).replace(hour=11, minute=0, second=0, microsecond=0),
        duration_minutes=60,
        video_link="https://meet.example.org/check-in",
    )
    activities.reply(activity=meeting, user=people["expert1"], answer=Answer.COMING)
    activities.ask_for_adjustment(
        activity=meeting, user=people["expert1"], need="Captions on the video call, please."
    )


def seed_money(project: Project, *, lead: User, claimants: list[User]) -> None:
    """A payment policy with a rate change today, and three expense claims: the first
    claimant's approved, the second's waiting, the third's refused with a reason. The
    claimants (experts by experience) took part in a review six weeks ago and a panel three
    days ago: the first is paid for the review, the second declined it, a third (if any) is
    still owed it (overdue); the panel is due to all. `lead`, who decides, is not a claimant."""
    today = timezone.localdate()
    for starts_on, rate in ((date(today.year - 1, 4, 1), "22.50"), (today, "25.00")):
        payments.set_policy(
            project=project,
            actor=lead,
            starts_on=starts_on,
            hourly_rate=Decimal(rate),
            half_day_rate=Decimal("90.00"),
            full_day_rate=Decimal("150.00"),
            pays_preparation=True,
            pays_follow_up=True,
            days_to_pay=14,
            methods=["bank_transfer", "voucher", "cash"],
            source="NIHR payment guidance for public involvement (demo figures)",
        )
    claims = [
        payments.claim_expense(
            project=project,
            member=member,
            spent_on=today,
            category=category,
            amount=Decimal(amount),
            description=words,
        )
        for member, (category, amount, words) in zip(
            claimants,
            (
                ("travel", "4.80", "Bus to the meeting and back."),
                ("data", "10.00", "Phone data for the video meeting."),
                ("childcare", "18.00", "Two hours of childcare."),
            ),
            strict=True,
        )
    ]
    payments.decide_expense(expense=claims[0], actor=lead, approve=True)
    payments.decide_expense(
        expense=claims[2], actor=lead, approve=False, reason="Please send the nursery's bill."
    )
    _paid_sessions(project, lead=lead, people=list(dict.fromkeys(claimants)))


def _paid_sessions(project: Project, *, lead: User, people: list[User]) -> None:
    now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    for title, days_ago in (("Reading the draft plan", 42), ("Interview panel", 3)):
        activity = activities.plan_activity(
            project=project,
            actor=lead,
            kind=ActivityKind.DOCUMENT_REVIEW,
            title=title,
            starts_at=now - timedelta(days=days_ago),
            duration_minutes=150,
            place="Community room, 12 High Street",
            preparation_minutes=60,
        )
        activities.record_attendance(
            activity=activity, actor=lead, presence={p.pk: Presence.ATTENDED for p in people}
        )
    review = InvolvementPayment.objects.filter(
        project=project, attendance__activity__title="Reading the draft plan"
    )
    payments.record_payment(
        payment=review.get(member=people[0]),
        actor=lead,
        method=PaymentMethod.BANK_TRANSFER,
        status=PaymentStatus.PAID,
        paid_on=timezone.localdate(),
        benefits_advice_offered=True,
    )
    payments.record_payment(
        payment=review.get(member=people[1]),
        actor=lead,
        method=PaymentMethod.DECLINED,
        status=PaymentStatus.DECLINED,
        paid_on=None,
        benefits_advice_offered=True,
    )
