"""Where the gate guards learn whether lived-experience members took part in a stage, and
the evidence pack whose words it must not quote.

Taking part is recorded by later apps (contributions, activities and attendance live in
`participation`), and dependencies point one way, so those apps register a source here from
their AppConfig.ready() rather than this app importing them.
"""

from __future__ import annotations

from collections.abc import Callable
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
