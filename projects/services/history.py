"""The project's history: every change records one event, which every member can read."""

from __future__ import annotations

from typing import Any

from coproduce.models import User

from ..models import Event, EventKind, Project


def log_event(
    *,
    project: Project,
    kind: EventKind,
    actor: User | None,
    summary: str,
    data: dict[str, Any] | None = None,
) -> Event:
    return Event.objects.create(
        project=project,
        kind=kind,
        actor=actor,
        stage=project.stage,
        summary=summary[:300],
        data=data or {},
    )
