"""Stages in which experts by experience took part before the decision to move on.

A stage's decision is its latest proposal that was not withdrawn; it counts from when the
proposal took its present wording (`Gate.proposed_at`), as the gate guard "lived experience
took part before the proposal" does. Taking part is attending an activity of the stage that
went ahead, or adding an idea, comment or concern in it. For a stage with no proposal yet, the
figure is who has taken part so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce import dates
from participation.models import Attendance, Contribution
from projects.models import Gate, GateStatus, Membership, Project, Role

from .base import WORKING_STAGES, Chart, Headline, Indicator, Table, Unit


def proposals(projects: Sequence[Project]) -> dict[tuple[int, str], datetime]:
    """{(project id, stage): when the stage's latest proposal took its present wording}, for
    stages with a proposal that was not withdrawn (one aggregate query). A later proposal is
    always written after an earlier one was settled, so the latest is the greatest."""
    rows = (
        Gate.objects.filter(project__in=[project.pk for project in projects])
        .exclude(status=GateStatus.WITHDRAWN)
        .with_proposed_at()
        .order_by()
        .values_list("project_id", "from_stage")
        .annotate(at=Max("proposed"))
    )
    return {(project_id, stage): at for project_id, stage, at in rows}


def _proposed_at(stage: str) -> Coalesce:
    """For a membership row: when its project's proposal to leave `stage` took its wording,
    or now when there is none yet."""
    return Coalesce(
        Subquery(
            Gate.objects.filter(project=OuterRef("project"), from_stage=stage)
            .exclude(status=GateStatus.WITHDRAWN)
            .with_proposed_at()
            .order_by()
            .values("project")
            .annotate(at=Max("proposed"))
            .values("at")[:1]
        ),
        Value(timezone.now()),
    )


def _took_part(stage: str) -> Q:
    """For a membership row: the member took part in an activity of `stage`
    (`AttendanceQuerySet.took_part`, as the gate guard counts), or added something in it,
    before the stage's proposal (`before_<stage>`)."""
    before = f"before_{stage}"
    attended = Attendance.objects.took_part().filter(
        user=OuterRef("user"),
        activity__project=OuterRef("project"),
        activity__stage=stage,
        activity__starts_at__lt=OuterRef(before),
    )
    said = Contribution.objects.filter(
        author=OuterRef("user"),
        project=OuterRef("project"),
        stage=stage,
        created_at__lt=OuterRef(before),
    )
    return Q(Exists(attended)) | Q(Exists(said))


def lived_taking_part(projects: Sequence[Project]) -> dict[int, dict[str, int]]:
    """{project id: {stage: experts by experience who took part before the stage's proposal}}
    (one aggregate query). Members who left since still count: they took part."""
    found: dict[int, dict[str, int]] = {project.pk: {} for project in projects}
    rows = (
        Membership.objects.filter(project__in=list(found), role=Role.EXPERT_BY_EXPERIENCE)
        .annotate(**{f"before_{stage}": _proposed_at(stage) for stage in WORKING_STAGES})
        .order_by()
        .values("project_id")
        .annotate(
            **{f"took_{stage}": Count("pk", filter=_took_part(stage)) for stage in WORKING_STAGES}
        )
    )
    for row in rows:
        found[row["project_id"]] = {stage: row[f"took_{stage}"] for stage in WORKING_STAGES}
    return found


def involvement(projects: Sequence[Project]) -> dict[int, Indicator]:
    """Per stage: whether it has a proposal, and how many experts by experience took part
    before it. Headline: the stages with a proposal in which they did, of those stages."""
    proposed = proposals(projects)
    took_part = lived_taking_part(projects)
    found: dict[int, Indicator] = {}
    for project in projects:
        rows = []
        decided = involved = 0
        for stage in WORKING_STAGES:
            at = proposed.get((project.pk, stage))
            count = took_part[project.pk].get(stage, 0)
            if at is not None:
                decided += 1
                involved += count > 0
            rows.append(
                (
                    str(stage.label),
                    dates.day(at) if at is not None else _("No proposal yet"),
                    count,
                )
            )
        if decided:
            summary = ngettext(
                "Experts by experience took part before the proposal in %(involved)d of the "
                "%(decided)d stage with a proposal to move on.",
                "Experts by experience took part before the proposal in %(involved)d of the "
                "%(decided)d stages with a proposal to move on.",
                decided,
            ) % {"involved": involved, "decided": decided}
            headline = Headline(
                value=involved,
                text=ngettext(
                    "%(involved)d of %(decided)d stage",
                    "%(involved)d of %(decided)d stages",
                    decided,
                )
                % {"involved": involved, "decided": decided},
            )
        else:
            summary = _("No stage has a proposal to move on yet.")
            headline = Headline(value=None, text=_("No proposal yet"))
        found[project.pk] = Indicator(
            key="involvement",
            title=_("Stages in which experts by experience took part before the decision"),
            headline_label=_("Stages with experts by experience before the decision"),
            summary=summary,
            table=Table(
                columns=(
                    _("Stage"),
                    _("Proposal to move on"),
                    _("Experts by experience who took part before it"),
                ),
                rows=tuple(rows),
            ),
            chart=Chart(series=(2,), unit=Unit.COUNT),
            headline=headline,
        )
    return found
