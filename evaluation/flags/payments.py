"""Payments for taking part that are overdue (`InvolvementPayment.objects.overdue`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce import dates
from participation.models import InvolvementPayment
from projects.models import Project

from .base import Flag


def overdue_payments(projects: Sequence[Project]) -> dict[int, list[Flag]]:
    """One flag per project with payments still due after the day they were due by (one
    aggregate query)."""
    rows = (
        InvolvementPayment.objects.filter(project__in=[project.pk for project in projects])
        .overdue(timezone.localdate())
        .order_by()
        .values_list("project_id")
        .annotate(count=Count("pk"), people=Count("member", distinct=True), oldest=Min("due_on"))
    )
    return {
        project_id: [
            Flag(
                key="overdue-payments",
                title=_("Payments for taking part are overdue"),
                explanation=ngettext(
                    "%(count)d payment for taking part is overdue, %(owed)s; it was due by "
                    "%(day)s.",
                    "%(count)d payments for taking part are overdue, %(owed)s; the oldest was "
                    "due by %(day)s.",
                    count,
                )
                % {
                    "count": count,
                    "owed": ngettext(
                        "owed to %(people)d person", "owed to %(people)d people", people
                    )
                    % {"people": people},
                    "day": dates.day(oldest),
                },
            )
        ]
        for project_id, count, people, oldest in rows
    }
