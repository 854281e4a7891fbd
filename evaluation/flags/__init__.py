"""Tokenism flags: signs, read from the records, that lived experience may not be shaping the
work, each said in a sentence with the figures behind it so a co-lead can act on it.

Each source takes a list of projects and returns the flags raised in each, with one
aggregate query whatever the number of projects (as indicators do). Add a flag by writing
its function and listing it in `SOURCES`.
"""

from __future__ import annotations

from collections.abc import Sequence

from projects.models import Project
from projects.permissions import SIGN_OFF, ProjectAccess

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


def visible_to(access: ProjectAccess) -> bool:
    """Whether this member sees the project's flags, wherever they are shown (the overview,
    the evaluation report, its flags CSV and its PDF, the evidence pack).

    Co-leads see them, since they are the ones who can act on a flag (invite people earlier,
    answer what was said, pay what is owed); so do commissioners, who review them as part of
    the evidence that co-production was genuine. Other members do not: a flag read by every
    member could single out the few experts by experience it counts. A closed project keeps
    the same readers.
    """
    return access.membership.is_co_lead or SIGN_OFF in access.granted


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


__all__ = ["SOURCES", "UNANSWERED_DAYS", "Flag", "FlagSource", "for_projects", "visible_to"]
