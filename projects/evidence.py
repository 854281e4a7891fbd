"""Where the gate guards learn whether lived-experience members took part in a stage.

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
