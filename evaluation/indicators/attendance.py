"""Share of attendance by experts by experience, per stage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participation.models import Attendance
from projects.models import Project, Role
from projects.responses import member_role

from .base import WORKING_STAGES, Chart, Headline, Indicator, Table, Unit, percent, written


def attendance_counts(projects: Sequence[Project]) -> dict[int, dict[str, dict[str, int]]]:
    """{project id: {stage: {role: attendances}}} for activities that went ahead and have
    started (one aggregate query)."""
    counts: dict[int, dict[str, dict[str, int]]] = {
        project.pk: defaultdict(lambda: defaultdict(int)) for project in projects
    }
    rows = (
        Attendance.objects.took_part()
        .filter(
            activity__project__in=[project.pk for project in projects],
            activity__starts_at__lt=timezone.now(),
        )
        .annotate(role=member_role("activity__project", "user"))
        .order_by()
        .values_list("activity__project_id", "activity__stage", "role")
        .annotate(total=Count("pk"))
    )
    for project_id, stage, role, total in rows:
        counts[project_id][stage][role or ""] += total
    return counts


def attendance_share(projects: Sequence[Project]) -> dict[int, Indicator]:
    """Of everyone recorded as taking part in the activities of each stage, the share who were
    experts by experience. Headline: the share over all stages."""
    counts = attendance_counts(projects)
    found: dict[int, Indicator] = {}
    for project in projects:
        by_stage = counts[project.pk]
        rows = []
        lived_all = everyone_all = 0
        for stage in WORKING_STAGES:
            roles = by_stage.get(stage, {})
            lived = roles.get(Role.EXPERT_BY_EXPERIENCE, 0)
            everyone = sum(roles.values())
            lived_all += lived
            everyone_all += everyone
            rows.append((str(stage.label), lived, everyone, percent(lived, everyone)))
        overall = percent(lived_all, everyone_all)
        if overall is None:
            summary = _("No attendance has been recorded yet.")
        else:
            summary = ngettext(
                "Experts by experience made up %(share)s of the %(count)d attendance recorded.",
                "Experts by experience made up %(share)s of the %(count)d attendances recorded.",
                everyone_all,
            ) % {"share": written(overall, Unit.PERCENT), "count": everyone_all}
        found[project.pk] = Indicator(
            key="attendance",
            title=_("Share of attendance by experts by experience"),
            headline_label=_("Attendance by experts by experience"),
            summary=summary,
            table=Table(
                columns=(
                    _("Stage"),
                    _("Attendances by experts by experience"),
                    _("All attendances"),
                    _("Share by experts by experience (%)"),
                ),
                rows=tuple(rows),
                blank=_("No attendance recorded in that stage."),
            ),
            chart=Chart(series=(3,), unit=Unit.PERCENT, maximum=100),
            headline=Headline(
                value=overall,
                text=written(overall, Unit.PERCENT) if overall is not None else _("None yet"),
            ),
        )
    return found
