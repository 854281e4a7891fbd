"""Activities with replies and attendance, and the money that follows: a payment policy,
payments for experts by experience who took part (worked out as `work_out_payments` does)
and a few expense claims."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from coproduce.loading import Plan
from projects.load import LoadedProject
from projects.load.shape import History
from projects.models import EventKind, Role, Stage

from .. import payment_rules
from ..models import (
    Activity,
    ActivityKind,
    Answer,
    Attendance,
    Expense,
    ExpenseCategory,
    ExpenseStatus,
    InvolvementPayment,
    PaymentMethod,
    PaymentPolicy,
    PaymentStatus,
    Presence,
    Reply,
)

TITLES = {
    ActivityKind.MEETING: "Monthly meeting",
    ActivityKind.WORKSHOP: "Planning workshop",
    ActivityKind.DOCUMENT_REVIEW: "Reading the draft plan",
    ActivityKind.INTERVIEW_PANEL: "Interview panel",
    ActivityKind.PEER_RESEARCH: "Peer research interviews",
    ActivityKind.TRAINING: "Training: chairing a meeting",
}


@dataclass
class Made:
    activities: list[Activity] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    # Which loaded project each attendance row belongs to, in the same order.
    attendance_of: list[LoadedProject] = field(default_factory=list)


def _activity(plan: Plan, lp: LoadedProject, stage: Stage, starts: datetime) -> Activity:
    kind = plan.rng.choice(list(TITLES))
    online = plan.chance(0.3)
    return Activity(
        project=lp.project,
        kind=kind,
        stage=stage,
        title=TITLES[kind],
        starts_at=starts.replace(minute=0, second=0),
        duration_minutes=plan.rng.choice([60, 90, 120, 180]),
        place="" if online else "Community room, 12 High Street",
        video_link="https://meet.example.org/coproduce" if online else "",
        preparation_minutes=plan.rng.choice([0, 30, 60]),
        follow_up_minutes=plan.rng.choice([0, 30]),
        created_by=lp.lead,
        created_at=starts - timedelta(days=plan.rng.randint(7, 21)),
    )


def _plan_one(plan: Plan, made: Made, lp: LoadedProject, stage: Stage, starts: datetime) -> None:
    activity = _activity(plan, lp, stage, starts)
    made.activities.append(activity)
    people = lp.at(activity.created_at)
    for m in people:
        if plan.chance(0.5):
            made.replies.append(
                Reply(
                    activity=activity,
                    user=m.user,
                    answer=plan.pick([(a, 1.0) for a in Answer]),
                    at=plan.between(activity.created_at, min(starts, plan.now)),
                )
            )
    if starts > plan.now:
        return
    if plan.chance(0.05):
        activity.cancelled_at = activity.created_at + timedelta(days=2)
        activity.cancelled_by, activity.cancel_reason = lp.lead, "The room was double-booked."
        return
    for m in lp.at(starts):
        made.attendance.append(
            Attendance(
                activity=activity,
                user=m.user,
                presence=Presence.ATTENDED if plan.chance(0.75) else Presence.ABSENT,
                recorded_by=lp.lead,
                recorded_at=starts + timedelta(hours=plan.rng.randint(3, 48)),
            )
        )
        made.attendance_of.append(lp)


def load_activities(plan: Plan, projects: list[LoadedProject], history: History) -> Made:
    made = Made()
    for lp in plan.progress(projects, "activities and attendance"):
        for stage, start in lp.stage_starts.items():
            if stage == Stage.CLOSED:
                continue
            end = lp.stage_ends.get(stage, plan.now)
            for _n in range(plan.rng.randint(1, 2)):
                _plan_one(plan, made, lp, stage, plan.between(start, end - timedelta(hours=4)))
        stage = list(lp.stage_starts)[-1]
        if stage != Stage.CLOSED:
            soon = plan.now + timedelta(days=plan.rng.randint(1, 21), hours=plan.rng.randint(0, 8))
            _plan_one(plan, made, lp, stage, soon)
    plan.save(Activity, made.activities)
    plan.save(Reply, made.replies, "replies")
    plan.save(Attendance, made.attendance)
    by_project = {lp.project.pk: lp for lp in projects}
    for activity in made.activities:
        lp = by_project[activity.project.pk]
        history.add(
            lp,
            EventKind.ACTIVITY_CREATED,
            activity.created_at,
            f"{lp.lead} planned {activity.title}.",
            actor=lp.lead,
            data={"activity": activity.pk},
        )
        if activity.cancelled_at is not None:
            history.add(
                lp,
                EventKind.ACTIVITY_CANCELLED,
                activity.cancelled_at,
                f"{lp.lead} cancelled {activity.title}.",
                actor=lp.lead,
                data={"activity": activity.pk},
            )
    rolls: dict[int, list[Attendance]] = {}
    for row in made.attendance:
        rolls.setdefault(row.activity.pk, []).append(row)
    for rows in rolls.values():
        activity, lp = rows[0].activity, by_project[rows[0].activity.project.pk]
        attended = [r.user.pk for r in rows if r.attended]
        history.add(
            lp,
            EventKind.ATTENDANCE_RECORDED,
            rows[0].recorded_at,
            f"{lp.lead} recorded attendance at {activity.title}: {len(attended)} people took part.",
            actor=lp.lead,
            data={"activity": activity.pk, "attended": attended},
        )
    return made


def _policy(plan: Plan, lp: LoadedProject) -> PaymentPolicy:
    return PaymentPolicy(
        project=lp.project,
        starts_on=timezone.localdate(lp.project.created_at),
        hourly_rate=plan.rng.choice([Decimal("20.00"), Decimal("22.50"), Decimal("25.00")]),
        half_day_rate=Decimal("90.00"),
        full_day_rate=Decimal("150.00"),
        days_to_pay=plan.rng.choice([14, 30]),
        methods=["bank_transfer", "voucher", "cash"],
        source="NIHR payment guidance for public involvement",
        created_by=lp.lead,
        created_at=lp.project.created_at,
    )


def _settle(plan: Plan, payment: InvolvementPayment, today: date) -> None:
    """Older payments are mostly paid; a few were declined and a few are overdue."""
    if payment.due_on >= today - timedelta(days=10):
        return
    outcome = plan.pick([("paid", 0.8), ("declined", 0.1), ("due", 0.1)])
    payment.benefits_advice_offered = plan.chance(0.5)
    if outcome == "paid":
        payment.status, payment.method = (
            PaymentStatus.PAID,
            plan.rng.choice(
                [PaymentMethod.BANK_TRANSFER, PaymentMethod.VOUCHER, PaymentMethod.CASH]
            ),
        )
        payment.paid_on = payment.session_on + timedelta(days=plan.rng.randint(1, 20))
    elif outcome == "declined":
        payment.status, payment.method = PaymentStatus.DECLINED, PaymentMethod.DECLINED


def load_money(plan: Plan, projects: list[LoadedProject], activities: Made) -> None:
    today = timezone.localdate(plan.now)
    policies = {
        lp.project.pk: _policy(plan, lp)
        for lp in plan.progress(projects, "payment policies")
        if plan.chance(0.7)
    }
    plan.save(PaymentPolicy, policies.values(), "payment policies")
    ebe = {
        (lp.project.pk, m.user.pk)
        for lp in projects
        for m in lp.members
        if m.role == Role.EXPERT_BY_EXPERIENCE
    }
    payments: list[InvolvementPayment] = []
    for row, lp in zip(activities.attendance, activities.attendance_of, strict=True):
        policy = policies.get(lp.project.pk)
        if policy is None or not row.attended or (lp.project.pk, row.user.pk) not in ebe:
            continue
        activity = row.activity
        session = payment_rules.Session(
            on=timezone.localdate(activity.starts_at),
            duration_minutes=activity.duration_minutes,
            preparation_minutes=activity.preparation_minutes,
            follow_up_minutes=activity.follow_up_minutes,
        )
        due = payment_rules.pay_under([policy.as_rule()], session)
        if due is None:
            continue
        payment = InvolvementPayment(
            project=lp.project,
            member=row.user,
            policy=policy,
            attendance=row,
            session_on=session.on,
            minutes_paid=due.minutes_paid,
            amount=due.amount,
            due_on=due.due_on,
            created_at=row.recorded_at,
        )
        _settle(plan, payment, today)
        payments.append(payment)
    plan.save(InvolvementPayment, payments, "payments")
    plan.save(Expense, _expenses(plan, projects), "expenses")


def _expenses(plan: Plan, projects: list[LoadedProject]) -> list[Expense]:
    expenses = []
    for lp in projects:
        if not plan.chance(0.3):
            continue
        claimants = [m for m in lp.at(plan.now) if m.votes]
        for m in plan.rng.sample(claimants, min(len(claimants), plan.rng.randint(1, 3))):
            status = plan.pick(
                [
                    (ExpenseStatus.CLAIMED, 0.4),
                    (ExpenseStatus.APPROVED, 0.5),
                    (ExpenseStatus.REFUSED, 0.1),
                ]
            )
            spent = plan.between(m.joined_at, plan.now - timedelta(days=2))
            decided = status != ExpenseStatus.CLAIMED
            expenses.append(
                Expense(
                    project=lp.project,
                    member=m.user,
                    spent_on=timezone.localdate(spent),
                    category=plan.rng.choice(list(ExpenseCategory)),
                    amount=Decimal(plan.rng.randint(300, 2500)) / 100,
                    description="Bus fare to the meeting and back.",
                    status=status,
                    refusal_reason="Please send the receipt."
                    if status == ExpenseStatus.REFUSED
                    else "",
                    decided_by=lp.lead if decided else None,
                    decided_at=spent + timedelta(days=1) if decided else None,
                    created_at=spent,
                )
            )
    return expenses
