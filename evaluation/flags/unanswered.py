"""Ideas, comments and concerns from experts by experience left without a response for
more than UNANSWERED_DAYS days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce import dates
from participation.models import Contribution
from projects.models import Project, Role
from projects.responses import member_role

from .base import Flag

# Four weeks: long enough for a monthly meeting to answer, short enough that people who
# spoke still remember it.
UNANSWERED_DAYS = 28


def waited_since(today: datetime) -> datetime:
    """The start of the day UNANSWERED_DAYS days before `today`'s: anything written before
    it has waited more than UNANSWERED_DAYS days (counted in whole days on the site's clock)."""
    first_day = dates.local(today).date() - timedelta(days=UNANSWERED_DAYS)
    return timezone.make_aware(datetime.combine(first_day, time.min))


def unanswered_contributions(projects: Sequence[Project]) -> dict[int, list[Flag]]:
    """One flag per project in which experts by experience have contributions without a
    response, written more than UNANSWERED_DAYS days ago (one aggregate query)."""
    rows = (
        Contribution.objects.filter(
            project__in=[project.pk for project in projects],
            response__isnull=True,
            created_at__lt=waited_since(timezone.now()),
        )
        .annotate(role=member_role("project", "author"))
        .filter(role=Role.EXPERT_BY_EXPERIENCE)
        .order_by()
        .values_list("project_id")
        .annotate(count=Count("pk"), oldest=Min("created_at"))
    )
    return {
        project_id: [
            Flag(
                key="unanswered",
                title=_("What experts by experience said is waiting for a response"),
                explanation=ngettext(
                    "%(count)d idea, comment or concern from experts by experience has waited "
                    "more than %(days)d days for a response; it was written on %(day)s.",
                    "%(count)d ideas, comments or concerns from experts by experience have "
                    "waited more than %(days)d days for a response; the oldest was written on "
                    "%(day)s.",
                    count,
                )
                % {"count": count, "days": UNANSWERED_DAYS, "day": dates.day(oldest)},
            )
        ]
        for project_id, count, oldest in rows
    }
