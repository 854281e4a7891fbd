"""Panels that later apps add to a project's pages: its overview page, and the evidence pack
a commissioner reviews before signing off a decision.

Dependencies point one way, so an app such as `evaluation` (its tokenism flags) registers a
source here from its AppConfig.ready() rather than this app importing it, as
`projects.dashboard` and `projects.evidence` do. Each source decides who may see it: it gets
the reader's access to the project, and returns None for nothing to show them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .models import Gate
from .permissions import ProjectAccess


@dataclass(frozen=True)
class Panel:
    """A template to include on the page, given `panel` (this context)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


# the reader's access -> a panel for the project overview page, or None
OverviewSource = Callable[[ProjectAccess], Panel | None]

# (the reader's access, the decision being signed off) -> a panel for its evidence pack, or None
EvidenceSource = Callable[[ProjectAccess, Gate], Panel | None]

_overview: list[OverviewSource] = []
_evidence: list[EvidenceSource] = []


def register_overview(source: OverviewSource) -> None:
    if source not in _overview:
        _overview.append(source)


def register_evidence(source: EvidenceSource) -> None:
    if source not in _evidence:
        _evidence.append(source)


def overview(access: ProjectAccess) -> list[Panel]:
    """Every registered overview panel with something to show this reader, in order."""
    return [panel for source in _overview if (panel := source(access)) is not None]


def evidence(access: ProjectAccess, gate: Gate) -> list[Panel]:
    """Every registered evidence-pack panel for this decision, in registration order."""
    return [panel for source in _evidence if (panel := source(access, gate)) is not None]
