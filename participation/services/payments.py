"""Payment for involvement: payment policy versions, what a session pays, and expenses.

Every write here is safe to send twice (a double tap, a retry on a slow phone): the same policy
version again changes nothing; the same claim from the same person within a minute is one claim;
the same decision again records nothing. Rows are locked first so that two simultaneous sends
wait for each other rather than both pass the check.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce import limits
from coproduce.models import User
from coproduce.spreadsheets import as_text
from projects.models import Project, Role
from projects.services import ProjectError

from .. import payment_rules, receipts
from ..models import (
    OFFERED_METHODS,
    Attendance,
    Expense,
    ExpenseCategory,
    ExpenseStatus,
    InvolvementPayment,
    PaymentMethod,
    PaymentPolicy,
    PaymentStatus,
    Presence,
)


@transaction.atomic
def set_policy(*, project: Project, actor: User, starts_on: date, **terms: Any) -> PaymentPolicy:
    """Add the policy version that starts on `starts_on`, or change it while it has not started.

    `terms` are the fields named in PaymentPolicy.TERMS. The past is never rewritten: a version that
    has started cannot change, and a new version starts today or later (only a project's first
    policy may start earlier, so that work done before it was written down can be paid).
    Raises ProjectError with a plain message otherwise. The same terms again change nothing.
    """
    unknown = set(terms) - set(PaymentPolicy.TERMS)
    if unknown:
        raise TypeError(f"Unknown policy terms: {sorted(unknown)}")
    if set(terms.get("methods", [])) - set(OFFERED_METHODS):
        raise ProjectError(_("Choose ways to pay from the list."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    today = timezone.localdate()
    versions = PaymentPolicy.objects.filter(project=project)
    policy = versions.filter(starts_on=starts_on).first()
    if policy is not None and all(getattr(policy, k) == v for k, v in terms.items()):
        return policy
    if policy is not None and policy.has_started(today):
        # Today's date is taken when a version started today: point to the first free day.
        if versions.filter(starts_on=today).exists():
            raise ProjectError(
                _(
                    "This policy has already started, so it cannot change. Add a new one "
                    "from tomorrow."
                )
            )
        raise ProjectError(
            _("This policy has already started, so it cannot change. Add a new one from today.")
        )
    if starts_on < today and versions.exists():
        raise ProjectError(_("A new policy cannot start in the past. Choose today or later."))
    if policy is None:
        policy = PaymentPolicy(project=project, starts_on=starts_on)
    for name, value in terms.items():
        setattr(policy, name, value)
    policy.created_by = actor
    try:
        policy.full_clean(exclude=["project", "created_by"])
        policy.as_rule()
    except Exception as error:  # ValidationError or the calculation's ValueError
        raise ProjectError(_("Check the policy: %(problem)s") % {"problem": error}) from error
    policy.save()
    work_out_payments(project=project)
    return policy


@transaction.atomic
def withdraw_policy(*, policy: PaymentPolicy) -> None:
    """Remove a version that has not started yet (a mistake, or plans that changed).

    Raises ProjectError for a version that has started: it is part of the record."""
    policy = PaymentPolicy.objects.select_for_update().get(pk=policy.pk)
    if policy.has_started(timezone.localdate()):
        raise ProjectError(_("This policy has already started, so it cannot be removed."))
    policy.delete()


def payment_due(*, project: Project, session: payment_rules.Session) -> payment_rules.Pay | None:
    """What `session` pays under the project's policy in force on its day (one query).

    None when no policy had started by then. `work_out_payments` makes the same step for
    every attendance at once, reading the versions once."""
    policy = PaymentPolicy.objects.filter(project=project).in_force_on(session.on)
    return None if policy is None else payment_rules.pay(policy.as_rule(), session)


def session_of(attendance: Attendance) -> payment_rules.Session:
    """The paid-time facts of one attendance: its activity's day (local) and minutes."""
    activity = attendance.activity
    return payment_rules.Session(
        on=timezone.localdate(activity.starts_at),
        duration_minutes=activity.duration_minutes,
        preparation_minutes=activity.preparation_minutes,
        follow_up_minutes=activity.follow_up_minutes,
    )


@transaction.atomic
def work_out_payments(*, project: Project, activity_id: int | None = None) -> int:
    """Bring the project's payments in line with its attendance (or one activity's).

    Every expert by experience recorded as taking part gets one payment, at the policy in
    force on the activity's day; none when no policy covers that day (setting one later works
    it out, as `set_policy` calls this). Someone changed to "did not take part" loses a
    payment that is still due: it was made from a mistake, so it is deleted rather than
    marked declined, which would say the person turned it down. A payment already paid or
    declined is never touched. Safe to run twice: one payment per attendance (unique), and
    rows that already have one are skipped. Returns how many payments were made.
    Four queries, however many rows."""
    rows = Attendance.objects.filter(activity__project=project)
    if activity_id is not None:
        rows = rows.filter(activity_id=activity_id)
    InvolvementPayment.objects.filter(
        attendance__in=rows.filter(presence=Presence.ABSENT), status=PaymentStatus.DUE
    ).delete()
    owed = (
        rows.filter(
            presence=Presence.ATTENDED,
            payment__isnull=True,
            user__memberships__project=project,
            user__memberships__role=Role.EXPERT_BY_EXPERIENCE,
        )
        .select_related("activity")
        .order_by("pk")
    )
    versions = {p.starts_on: p for p in PaymentPolicy.objects.filter(project=project)}
    rules = [p.as_rule() for p in versions.values()]
    made = []
    for attendance in owed:
        due = payment_rules.pay_under(rules, session_of(attendance))
        if due is None:
            continue
        made.append(
            InvolvementPayment(
                project=project,
                member_id=attendance.user_id,
                policy=versions[due.policy_starts_on],
                attendance=attendance,
                session_on=timezone.localdate(attendance.activity.starts_at),
                minutes_paid=due.minutes_paid,
                amount=due.amount,
                due_on=due.due_on,
            )
        )
    InvolvementPayment.objects.bulk_create(made)
    return len(made)


@transaction.atomic
def record_payment(
    *,
    payment: InvolvementPayment,
    actor: User,
    method: PaymentMethod | str,
    status: PaymentStatus | str,
    paid_on: date | None,
    benefits_advice_offered: bool,
) -> InvolvementPayment:
    """A co-lead records how a payment is made and where it stands.

    Rules, each refused with a plain ProjectError: "paid" needs how and the day (not in the
    future); a payment the person declined has status "declined" and method "declined"
    (choosing either sets the other when it is left open); a co-lead does not record their own
    payment. A payment still due keeps no paid date. The same record again changes nothing."""
    payment = InvolvementPayment.objects.select_for_update().get(pk=payment.pk)
    if payment.member_id == actor.pk:
        raise ProjectError(_("Another co-lead must record your own payment."))
    method = PaymentMethod(method) if method else ""
    status = PaymentStatus(status)
    if method == PaymentMethod.DECLINED and status == PaymentStatus.DUE:
        status = PaymentStatus.DECLINED
    if status == PaymentStatus.DECLINED and not method:
        method = PaymentMethod.DECLINED
    if (status == PaymentStatus.DECLINED) != (method == PaymentMethod.DECLINED):
        raise ProjectError(
            _("If the person said no to the payment, choose Declined for both questions.")
        )
    if status == PaymentStatus.PAID:
        if not method:
            raise ProjectError(_("Choose how it was paid."))
        if paid_on is None:
            raise ProjectError(_("Enter the date it was paid, for example 27/3/2026."))
        if paid_on > timezone.localdate():
            raise ProjectError(_("The date it was paid cannot be in the future."))
    else:
        paid_on = None
    values = {
        "method": method,
        "status": status,
        "paid_on": paid_on,
        "benefits_advice_offered": benefits_advice_offered,
    }
    changed = [name for name, value in values.items() if getattr(payment, name) != value]
    if changed:
        for name in changed:
            setattr(payment, name, values[name])
        payment.save(update_fields=changed)
    return payment


@transaction.atomic
def claim_expense(
    *,
    project: Project,
    member: User,
    spent_on: date,
    category: ExpenseCategory | str,
    amount: Decimal,
    description: str = "",
    receipt: UploadedFile | None = None,
) -> Expense:
    """Record a member's claim, with its receipt if given. The same claim sent again within a
    minute returns the first (and keeps no second copy of the receipt).

    Raises ProjectError for an amount of zero or less, a day in the future, or a receipt that
    is too big or not a JPEG, PNG, HEIC/HEIF or PDF (see `participation.receipts`)."""
    limits.refuse_too_long(description, limit=limits.RESPONSE, error=ProjectError)
    try:
        receipt_type = receipts.content_type(receipt) if receipt else ""
    except receipts.ReceiptRefused as refused:
        raise ProjectError(str(refused)) from None
    if amount <= 0:
        raise ProjectError(_("Enter how much you spent, for example 4.50."))
    if spent_on > timezone.localdate():
        raise ProjectError(_("The date you spent it cannot be in the future."))
    description = description.strip()
    # Locking the member's row makes their own simultaneous sends wait for each other.
    list(User.objects.select_for_update().filter(pk=member.pk))
    fields = {
        "project": project,
        "member": member,
        "spent_on": spent_on,
        "category": ExpenseCategory(category),
        "amount": payment_rules.to_pennies(amount),
        "description": description,
    }
    same = Expense.objects.filter(
        **fields, created_at__gte=timezone.now() - limits.RESUBMIT_WINDOW
    ).first()
    if same is not None:
        return same
    # The type first: the random stored name takes its extension from it.
    expense = Expense(**fields, receipt_type=receipt_type)
    if receipt:
        expense.receipt.save(receipt.name or "receipt", receipt, save=False)
    try:
        expense.save()
    except Exception:
        # A claim that is not recorded must not leave its file behind.
        if receipt:
            expense.receipt.delete(save=False)
        raise
    return expense


@transaction.atomic
def decide_expense(*, expense: Expense, actor: User, approve: bool, reason: str = "") -> Expense:
    """Approve a claim, or refuse it with a reason the member will read.

    Raises ProjectError when a refusal has no reason, or when a co-lead decides their own claim
    (another co-lead must). The same decision again changes nothing."""
    limits.refuse_too_long(reason, limit=limits.RESPONSE, error=ProjectError)
    reason = reason.strip()
    expense = Expense.objects.select_for_update().get(pk=expense.pk)
    if expense.member_id == actor.pk:
        raise ProjectError(_("Another co-lead must decide your own claim."))
    status = ExpenseStatus.APPROVED if approve else ExpenseStatus.REFUSED
    if not approve and not limits.has_words(reason):
        raise ProjectError(_("Write why you are refusing this claim."))
    reason = "" if approve else reason
    if expense.status == status and expense.refusal_reason == reason:
        return expense
    expense.status, expense.refusal_reason = status, reason
    expense.decided_by, expense.decided_at = actor, timezone.now()
    expense.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
    return expense


FINANCE_COLUMNS = [
    "type",
    "id",
    "person",
    "email",
    "date",
    "category or method",
    "amount",
    "status",
    "due by",
    "date paid",
    "decided by",
    "activity",
    "benefits advice offered",
]


def finance_rows(project: Project) -> Iterator[list[str]]:
    """Every expense and involvement payment of `project`, as text cells under FINANCE_COLUMNS.

    Money is written as text with two decimal places ("12.50"), straight from the Decimal, so
    no spreadsheet or float ever rounds it. Two queries, however many rows."""
    expenses = (
        Expense.objects.filter(project=project)
        .select_related("member", "decided_by")
        .order_by("spent_on", "pk")
    )
    for e in expenses:
        yield [
            "expense",
            str(e.pk),
            str(e.member),
            e.member.email or "",
            e.spent_on.isoformat(),
            e.category,
            f"{e.amount:.2f}",
            e.status,
            "",
            "",
            str(e.decided_by or ""),
            "",
            "",
        ]
    payments = (
        InvolvementPayment.objects.filter(project=project)
        .select_related("member", "attendance__activity")
        .order_by("session_on", "pk")
    )
    for p in payments:
        yield [
            "payment",
            str(p.pk),
            str(p.member),
            p.member.email or "",
            p.session_on.isoformat(),
            p.method,
            f"{p.amount:.2f}",
            p.status,
            p.due_on.isoformat(),
            p.paid_on.isoformat() if p.paid_on else "",
            "",
            p.attendance.activity.title if p.attendance else "",
            "yes" if p.benefits_advice_offered else "no",
        ]


def finance_csv(project: Project) -> str:
    """The finance export as CSV text, a header row first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FINANCE_COLUMNS)
    for row in finance_rows(project):
        writer.writerow([as_text(cell) for cell in row])
    return out.getvalue()
