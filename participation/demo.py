"""Demo contributions and gates (an open vote in design, a sign-off waiting in commissioning),
and money in the design project: a payment policy with a rate change, and expenses claimed,
approved and refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from coproduce.models import User
from projects.models import Choice, Project
from projects.services import gates

from .models import Contribution
from .services import payments


def _take_part(project: Project, author: User, body: str) -> None:
    Contribution.objects.get_or_create(
        project=project, author=author, stage=project.stage, defaults={"body": body}
    )


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
        gate = gates.open_gate(gate=gate, actor=lead)
        gates.cast_vote(gate=gate, voter=people["expert2"], choice=Choice.APPROVE)

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
        for name in ("expert1", "expert2", "expert3", "practitioner1", "practitioner2"):
            gates.cast_vote(gate=gate, voter=people[name], choice=Choice.APPROVE)

    if not design.payment_policies.exists():
        seed_money(design, lead=lead, claimants=[people[f"expert{n}"] for n in (1, 2, 3)])


def seed_money(project: Project, *, lead: User, claimants: list[User]) -> None:
    """A payment policy with a rate change today, and three expense claims: the first
    claimant's approved, the second's waiting, the third's refused with a reason. The
    claimants must not include `lead`, who decides."""
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
