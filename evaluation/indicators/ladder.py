"""How each group saw each stage: the rung of the ladder of co-production it reached (1
coercion to 7 co-production), the gap between the groups, and the four principles rated 1-5.

From the stage co-production check. Every figure obeys the small-numbers rule (`survey`).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from evaluation.models import Moment
from projects.models import Project, Role, Stage

from .base import WORKING_STAGES, Cell, Chart, Headline, Indicator, Table, Unit
from .survey import NOBODY, PRINCIPLES, RUNG, Mean, MeanKey, fewer_than, gap, stage_checks


def _mean(means: dict[MeanKey, Mean], project: Project, stage: str, role: str, item: str) -> Mean:
    return means.get((project.pk, Moment.STAGE_END, stage, role, item), NOBODY)


def rung_gaps(means: dict[MeanKey, Mean], project: Project) -> dict[str, tuple[Mean, Mean]]:
    """{stage: (experts by experience's rung, practitioners' rung)} for every working stage."""
    return {
        stage: (
            _mean(means, project, stage, Role.EXPERT_BY_EXPERIENCE, RUNG),
            _mean(means, project, stage, Role.PRACTITIONER, RUNG),
        )
        for stage in WORKING_STAGES
    }


def _rounded_gap(lived: Mean, learned: Mean) -> float | None:
    value = gap(lived, learned)
    return None if value is None else round(value, 2)


def ladder(projects: Sequence[Project]) -> dict[int, Indicator]:
    """Per stage that has any answers: each group's average rung and the gap between them (to
    two decimal places, so that a gap just under a full rung never reads as one). Headline:
    the widest gap."""
    means = stage_checks(projects)
    found: dict[int, Indicator] = {}
    for project in projects:
        answered = {stage for (pk, _moment, stage, _role, _item) in means if pk == project.pk}
        rows: list[tuple[Cell, ...]] = []
        widest: tuple[float, str] | None = None
        for stage, (lived, learned) in rung_gaps(means, project).items():
            if stage not in answered:
                continue
            distance = _rounded_gap(lived, learned)
            if distance is not None and (widest is None or distance > widest[0]):
                widest = (distance, stage)
            rows.append((str(Stage(stage).label), lived.cell, learned.cell, distance))
        if widest is None:
            summary = _(
                "Not enough answers yet to compare how the two groups saw any stage: each "
                "group's figures show once 3 of them have answered."
            )
            headline = Headline(value=None, text=_("Not enough answers"))
        else:
            summary = _(
                "The widest gap between how experts by experience and practitioners saw a "
                "stage on the ladder of co-production was %(gap)s rungs, in %(stage)s."
            ) % {"gap": widest[0], "stage": Stage(widest[1]).label}
            headline = Headline(value=widest[0], text=_("%(gap)s rungs apart") % {"gap": widest[0]})
        found[project.pk] = Indicator(
            key="ladder",
            title=_("How far up the ladder of co-production each group saw each stage"),
            headline_label=_("Widest gap on the ladder"),
            summary=summary,
            table=Table(
                columns=(
                    _("Stage"),
                    _("Experts by experience: average rung (1 to 7)"),
                    _("Practitioners: average rung (1 to 7)"),
                    _("Gap in rungs"),
                ),
                rows=tuple(rows),
                blank=fewer_than(),
            ),
            chart=Chart(series=(1, 2), unit=Unit.RUNG, maximum=7),
            headline=headline,
        )
    return found


def principles(projects: Sequence[Project]) -> dict[int, Indicator]:
    """Per stage that has any answers, each group's average rating (1 to 5) of equality,
    diversity, accessibility and reciprocity. Headline: the lowest rating shown."""
    means = stage_checks(projects)
    found: dict[int, Indicator] = {}
    for project in projects:
        answered = {stage for (pk, _moment, stage, _role, _item) in means if pk == project.pk}
        rows: list[tuple[Cell, ...]] = []
        lowest: tuple[float, str] | None = None
        for stage in WORKING_STAGES:
            if stage not in answered:
                continue
            for key, label in PRINCIPLES:
                lived = _mean(means, project, stage, Role.EXPERT_BY_EXPERIENCE, key).cell
                learned = _mean(means, project, stage, Role.PRACTITIONER, key).cell
                name = _("%(stage)s: %(principle)s") % {
                    "stage": stage.label,
                    "principle": str(label).lower(),
                }
                for value in (lived, learned):
                    if value is not None and (lowest is None or value < lowest[0]):
                        lowest = (value, name)
                rows.append((name, lived, learned))
        if lowest is None:
            summary = _(
                "Not enough answers yet: each group's ratings show once 3 of them have answered."
            )
            headline = Headline(value=None, text=_("Not enough answers"))
        else:
            summary = _(
                "Both groups rated equality, diversity, accessibility and reciprocity from 1 "
                "to 5 at the end of each stage. The lowest average rating was %(value)s, for "
                "%(what)s."
            ) % {"value": lowest[0], "what": lowest[1]}
            headline = Headline(
                value=lowest[0],
                text=_("%(value)s of 5") % {"value": lowest[0]},
            )
        found[project.pk] = Indicator(
            key="principles",
            title=_("How each group rated the principles of co-production"),
            headline_label=_("Lowest rating of a principle"),
            summary=summary,
            table=Table(
                columns=(
                    _("Stage and principle"),
                    _("Experts by experience: average rating (1 to 5)"),
                    _("Practitioners: average rating (1 to 5)"),
                ),
                rows=tuple(rows),
                blank=fewer_than(),
            ),
            chart=Chart(series=(1, 2), unit=Unit.SCORE, maximum=5),
            headline=headline,
        )
    return found
