"""Days from an activity to the payment for taking part in it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participation.models import InvolvementPayment, PaymentStatus, overdue_rule
from projects.models import Project

from .base import WORKING_STAGES, Chart, Headline, Indicator, Table, Unit, written

# A payment entered by hand is tied to no activity, so to no stage.
NO_STAGE = ""


def _days(value: timedelta | int | None) -> float:
    """A sum of waits as whole days (SQLite may hand back microseconds)."""
    if value is None:
        return 0
    if isinstance(value, timedelta):
        return value.days
    return value / 86_400_000_000


def payment_waits(projects: Sequence[Project]) -> dict[int, dict[str, dict[str, float]]]:
    """{project id: {stage or NO_STAGE: {"paid", "days" (added up), "longest", "due",
    "overdue"}}} (one aggregate query). Declined payments are left out: nothing was paid.
    Overdue is participation's one rule (`overdue_rule`), as the overdue-payments flag counts."""
    today = timezone.localdate()
    wait = ExpressionWrapper(F("paid_on") - F("session_on"), output_field=DurationField())
    paid = Q(status=PaymentStatus.PAID)
    rows = (
        InvolvementPayment.objects.filter(project__in=[project.pk for project in projects])
        .exclude(status=PaymentStatus.DECLINED)
        .order_by()
        .values_list("project_id", "attendance__activity__stage")
        .annotate(
            paid=Count("pk", filter=paid),
            days=Sum(wait, filter=paid),
            longest=Max(wait, filter=paid),
            due=Count("pk", filter=Q(status=PaymentStatus.DUE)),
            overdue=Count("pk", filter=overdue_rule(today)),
        )
    )
    found: dict[int, dict[str, dict[str, float]]] = {project.pk: {} for project in projects}
    for project_id, stage, paid_count, days, longest, due, overdue in rows:
        found[project_id][stage or NO_STAGE] = {
            "paid": paid_count,
            "days": _days(days),
            "longest": _days(longest),
            "due": due,
            "overdue": overdue,
        }
    return found


def _average(paid: float, days: float) -> float | None:
    return round(days / paid, 1) if paid else None


def payment_days(projects: Sequence[Project]) -> dict[int, Indicator]:
    """Per stage: payments made, the average and longest number of days from the activity
    to the payment, and payments still due and overdue. Headline: the average wait."""
    waits = payment_waits(projects)
    found: dict[int, Indicator] = {}
    for project in projects:
        by = waits[project.pk]
        rows = []
        stages: list[tuple[str, str]] = [(stage, str(stage.label)) for stage in WORKING_STAGES]
        if NO_STAGE in by:
            stages.append((NO_STAGE, _("Entered by hand, not tied to an activity")))
        for stage, label in stages:
            figures = by.get(stage, {})
            paid = figures.get("paid", 0)
            rows.append(
                (
                    label,
                    int(paid),
                    _average(paid, figures.get("days", 0)),
                    int(figures["longest"]) if paid else None,
                    int(figures.get("due", 0)),
                    int(figures.get("overdue", 0)),
                )
            )
        paid_all = sum(figures["paid"] for figures in by.values())
        average = _average(paid_all, sum(figures["days"] for figures in by.values()))
        overdue = sum(int(figures["overdue"]) for figures in by.values())
        if average is None:
            summary = _("No payment has been made yet.")
        else:
            summary = ngettext(
                "People were paid %(days)s after the activity (%(paid)d payment made). "
                "Payments overdue now: %(overdue)d.",
                "On average, people were paid %(days)s after the activity (%(paid)d payments "
                "made). Payments overdue now: %(overdue)d.",
                paid_all,
            ) % {"days": written(average, Unit.DAYS), "paid": paid_all, "overdue": overdue}
        found[project.pk] = Indicator(
            key="payment-days",
            title=_("Days from activity to payment"),
            headline_label=_("Average days to payment"),
            summary=summary,
            table=Table(
                columns=(
                    _("Stage"),
                    _("Payments made"),
                    _("Average days to payment"),
                    _("Longest wait in days"),
                    _("Still to pay"),
                    _("Overdue"),
                ),
                rows=tuple(rows),
                blank=_("No payment made for that stage yet."),
            ),
            chart=Chart(series=(2,), unit=Unit.DAYS),
            headline=Headline(
                value=average,
                text=written(average, Unit.DAYS) if average is not None else _("None paid yet"),
            ),
        )
    return found
