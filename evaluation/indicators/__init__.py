"""Indicators computed from the project's records, and the order the report shows them in.

Each source takes a list of projects and returns one `Indicator` per project, with a fixed
number of aggregate queries (see `base`). Add an indicator by writing its module and listing
its function in `SOURCES`.
"""

from __future__ import annotations

from collections.abc import Sequence

from projects.models import Project

from .adjustments import adjustments
from .attendance import attendance_share
from .base import Cell, Chart, Headline, Indicator, IndicatorSource, Table, Unit
from .contributions import contributions
from .impact import impact
from .involvement import involvement
from .ladder import ladder, principles
from .objections import objections
from .payments import payment_days
from .turnout import turnout

SOURCES: list[IndicatorSource] = [
    attendance_share,
    turnout,
    involvement,
    contributions,
    objections,
    payment_days,
    adjustments,
    ladder,
    principles,
    impact,
]


def for_projects(projects: Sequence[Project]) -> dict[int, list[Indicator]]:
    """{project id: every indicator, in report order} for these projects."""
    found: dict[int, list[Indicator]] = {project.pk: [] for project in projects}
    if not projects:
        return found
    for source in SOURCES:
        for project_id, indicator in source(projects).items():
            found[project_id].append(indicator)
    return found


__all__ = [
    "SOURCES",
    "Cell",
    "Chart",
    "Headline",
    "Indicator",
    "IndicatorSource",
    "Table",
    "Unit",
    "for_projects",
]
