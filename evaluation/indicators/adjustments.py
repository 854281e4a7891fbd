"""Adjustments members asked for to take part in activities (access needs), and how many
were provided. Counts only: what each person needs stays private to them and the co-leads."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participation.models import Adjustment
from projects.models import Project

from .base import WORKING_STAGES, Chart, Headline, Indicator, Table, Unit, percent, written


def adjustment_counts(projects: Sequence[Project]) -> dict[int, dict[str, tuple[int, int, int]]]:
    """{project id: {stage: (asked for, provided, not provided)}}, for activities that went
    ahead and have started (one aggregate query): an adjustment for a meeting still to come
    cannot have been provided yet, so it is not counted until then. The rest are not recorded
    yet."""
    rows = (
        Adjustment.objects.filter(
            activity__project__in=[project.pk for project in projects],
            activity__cancelled_at__isnull=True,
            activity__starts_at__lt=timezone.now(),
        )
        .order_by()
        .values_list("activity__project_id", "activity__stage")
        .annotate(
            asked=Count("pk"),
            given=Count("pk", filter=Q(provided=True)),
            refused=Count("pk", filter=Q(provided=False)),
        )
    )
    found: dict[int, dict[str, tuple[int, int, int]]] = {project.pk: {} for project in projects}
    for project_id, stage, asked, provided, refused in rows:
        found[project_id][stage] = (asked, provided, refused)
    return found


def adjustments(projects: Sequence[Project]) -> dict[int, Indicator]:
    """Per stage: adjustments asked for, provided, not provided and not yet recorded.
    Headline: the share provided of all asked for."""
    counts = adjustment_counts(projects)
    found: dict[int, Indicator] = {}
    for project in projects:
        by = counts[project.pk]
        rows = []
        for stage in WORKING_STAGES:
            asked, provided, refused = by.get(stage, (0, 0, 0))
            rows.append(
                (
                    str(stage.label),
                    asked,
                    provided,
                    refused,
                    asked - provided - refused,
                    percent(provided, asked),
                )
            )
        asked_all = sum(figures[0] for figures in by.values())
        provided_all = sum(figures[1] for figures in by.values())
        share = percent(provided_all, asked_all)
        if asked_all:
            summary = ngettext(
                "%(provided)d of the %(asked)d adjustment asked for was provided.",
                "%(provided)d of the %(asked)d adjustments asked for were provided.",
                asked_all,
            ) % {
                "provided": provided_all,
                "asked": asked_all,
            }
        else:
            summary = _("Nobody has asked for an adjustment yet.")
        found[project.pk] = Indicator(
            key="adjustments",
            title=_("Adjustments asked for and provided"),
            headline_label=_("Adjustments provided"),
            summary=summary,
            table=Table(
                columns=(
                    _("Stage"),
                    _("Asked for"),
                    _("Provided"),
                    _("Not provided"),
                    _("Not recorded yet"),
                    _("Share provided (%)"),
                ),
                rows=tuple(rows),
                blank=_("None asked for in that stage."),
            ),
            chart=Chart(series=(1, 2), unit=Unit.COUNT),
            headline=Headline(
                value=share,
                text=written(share, Unit.PERCENT) if share is not None else _("None asked for"),
            ),
        )
    return found
