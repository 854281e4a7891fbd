"""Tokenism flags: signs, read from the records, that lived experience may not be shaping the
work, each said in a sentence with the figures behind it so a co-lead can act on it.

Each source takes a list of projects and returns the flags raised in each, with one
aggregate query whatever the number of projects (as indicators do). Add a flag by writing
its function and listing it in `SOURCES`.
"""

from __future__ import annotations

from collections.abc import Sequence

from projects.models import Project

from .attendance import low_attendance_share
from .base import Flag, FlagSource
from .joining import late_joiners
from .payments import overdue_payments
from .perception import rung_gap
from .quorum import bare_quorum
from .unanswered import UNANSWERED_DAYS, unanswered_contributions

SOURCES: list[FlagSource] = [
    late_joiners,
    low_attendance_share,
    bare_quorum,
    unanswered_contributions,
    overdue_payments,
    rung_gap,
]


def for_projects(projects: Sequence[Project]) -> dict[int, list[Flag]]:
    """{project id: every flag raised in it, in `SOURCES` order} for these projects; a project
    with no flags maps to an empty list."""
    found: dict[int, list[Flag]] = {project.pk: [] for project in projects}
    if not projects:
        return found
    for source in SOURCES:
        for project_id, flags in source(projects).items():
            found[project_id].extend(flags)
    return found


__all__ = ["SOURCES", "UNANSWERED_DAYS", "Flag", "FlagSource", "for_projects"]
