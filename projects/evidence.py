"""Where the gate guards learn whether lived-experience members took part in a stage, and
the evidence pack whose words it must not quote.

Taking part is recorded by later apps (contributions, activities and attendance live in
`participation`), and dependencies point one way, so those apps register a source here from
their AppConfig.ready() rather than this app importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .models import Project

# (project, stage, before) -> ids of users who took part in that stage before that moment
ParticipationSource = Callable[[Project, str, datetime], set[int]]

_sources: list[ParticipationSource] = []


def register(source: ParticipationSource) -> None:
    if source not in _sources:
        _sources.append(source)


def participants(project: Project, stage: str, before: datetime) -> set[int]:
    found: set[int] = set()
    for source in _sources:
        found |= source(project, stage, before)
    return found


# user ids -> those of them who asked not to be quoted in reports (consent lives in participation)
QuotingSource = Callable[[set[int]], set[int]]

_quoting: list[QuotingSource] = []


def register_quoting(source: QuotingSource) -> None:
    if source not in _quoting:
        _quoting.append(source)


def not_to_quote(user_ids: set[int]) -> set[int]:
    """Of these people, those whose words a report must leave out."""
    found: set[int] = set()
    for source in _quoting:
        found |= source(user_ids)
    return found


# user ids -> those of them who agreed that their name may go to other systems through the
# API (consent lives in participation). Nobody registered: nobody is named.
NamingSource = Callable[[set[int]], set[int]]

_naming: list[NamingSource] = []


def register_naming(source: NamingSource) -> None:
    if source not in _naming:
        _naming.append(source)


def may_name(user_ids: set[int]) -> set[int]:
    """Of these people, those whose name the API may give (one query per source)."""
    found: set[int] = set()
    for source in _naming:
        found |= source(user_ids)
    return found


@dataclass(frozen=True)
class AttendedActivity:
    """One activity of a stage and who took part in it, for the evidence pack."""

    title: str
    starts_at: datetime
    attended: frozenset[int]  # user ids recorded as taking part


# (project, stage) -> the stage's activities that have started, oldest first
AttendanceSource = Callable[[Project, str], list[AttendedActivity]]

_attendance_sources: list[AttendanceSource] = []


def register_attendance(source: AttendanceSource) -> None:
    if source not in _attendance_sources:
        _attendance_sources.append(source)


def attendance(project: Project, stage: str) -> list[AttendedActivity]:
    found: list[AttendedActivity] = []
    for source in _attendance_sources:
        found += source(project, stage)
    return sorted(found, key=lambda activity: activity.starts_at)
