"""Sections that later apps add to the person's home page ("My projects").

Dependencies point one way, so an app such as `participation` (their next activities)
registers a source here from its AppConfig.ready() rather than this app importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coproduce.models import User


@dataclass(frozen=True)
class DashboardSection:
    """A template to include on My projects and what it shows."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


# user -> a section to show, or None when there is nothing to show them
SectionSource = Callable[[User], DashboardSection | None]

_sources: list[SectionSource] = []


def register(source: SectionSource) -> None:
    if source not in _sources:
        _sources.append(source)


def sections(user: User) -> list[DashboardSection]:
    """Every registered section with something to show this person, in registration order."""
    return [section for source in _sources if (section := source(user)) is not None]
