"""The two groups placed the same stage a full rung or more apart on the ladder of
co-production: they did not experience it as the same thing."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from evaluation.indicators.ladder import rung_gaps
from evaluation.indicators.survey import gap, stage_checks
from projects.models import Project, Stage

from .base import Flag

FULL_RUNG = 1.0


def rung_gap(projects: Sequence[Project]) -> dict[int, list[Flag]]:
    """A flag for each stage whose two groups' average rungs are FULL_RUNG or more apart,
    only when both groups' averages may be shown (small-numbers rule) (one query)."""
    means = stage_checks(projects)
    found: dict[int, list[Flag]] = {}
    for project in projects:
        for stage, (lived, learned) in rung_gaps(means, project).items():
            distance = gap(lived, learned)
            # Rounded first: averages such as 4.1 - 3.1 come out a hair under 1 in floats.
            if distance is None or round(distance, 9) < FULL_RUNG:
                continue
            found.setdefault(project.pk, []).append(
                Flag(
                    key="rung-gap",
                    title=_("The two groups saw a stage very differently"),
                    explanation=_(
                        "Experts by experience put %(stage)s at rung %(lived)s of the ladder of "
                        "co-production on average, and practitioners at rung %(learned)s: "
                        "%(gap)s rungs apart. Talk it through together: ask each group what "
                        "made the stage feel that way."
                    )
                    % {
                        "stage": Stage(stage).label,
                        "lived": lived.cell,
                        "learned": learned.cell,
                        "gap": round(distance, 2),
                    },
                    stage=stage,
                )
            )
    return found
