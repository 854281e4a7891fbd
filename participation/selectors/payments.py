"""What the payments pages show, in a fixed number of queries however many payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from coproduce.models import User
from projects.models import Project

from ..models import Activity, InvolvementPayment, PaymentPolicy, PaymentStatus
from ..payment_rules import to_pennies


def owed_per_member(project: Project, today: date) -> list[dict[str, Any]]:
    """One row per member still owed money: `name`, `owed` (Decimal pounds), `count`, and of
    those `overdue` (Decimal pounds) and `overdue_count` (`InvolvementPayment.is_overdue`)."""
    late = Q(due_on__lt=today)
    rows = list(
        InvolvementPayment.objects.filter(project=project, status=PaymentStatus.DUE)
        .values("member_id", name=F("member__display_name"))
        .annotate(
            owed=Sum("amount"),
            count=Count("pk"),
            overdue=Sum("amount", filter=late),
            overdue_count=Count("pk", filter=late),
        )
        .order_by("name", "member_id")
    )
    # SQLite sums decimals without their places (60 for 60.00): put the pence back.
    for row in rows:
        row["owed"] = to_pennies(row["owed"])
        row["overdue"] = to_pennies(row["overdue"] or Decimal(0))
    return rows


def payments_due_first(project: Project, today: date) -> Any:
    """Every payment of the project, those still due first (soonest due first), then the
    settled ones; each with its member, the activity it is for, and `late` (overdue)."""
    return (
        InvolvementPayment.objects.filter(project=project)
        .with_overdue(today)
        .select_related("member", "attendance__activity")
        .annotate(
            settled=Case(
                When(status=PaymentStatus.DUE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("settled", "due_on", "pk")
    )


def my_payments(project: Project, member: User | int, today: date, limit: int) -> Any:
    """The latest `limit` payments to `member` in `project`, with `late` (overdue)."""
    return (
        InvolvementPayment.objects.filter(project=project, member=member)
        .with_overdue(today)
        .select_related("attendance__activity")[:limit]
    )


def policy_covers(activity: Activity) -> bool:
    """Whether a payment policy was in force on the activity's day, so that taking part in it
    can be paid (one query)."""
    day = timezone.localdate(activity.starts_at)
    return PaymentPolicy.objects.filter(project_id=activity.project_id, starts_on__lte=day).exists()
