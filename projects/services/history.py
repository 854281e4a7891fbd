"""The project's history: every change records one event, which every member can read."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import models

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


def redact_names(*, names: Iterable[str], replacement: str) -> int:
    """Replace each of `names` (a person's name, email, phone) in every event summary with
    `replacement`; returns how many events changed.

    The one change the append-only log allows: a person who deletes their account has the
    right to have their name erased, while the events themselves (who voted, who joined, when)
    stay as evidence. Whole words only, so erasing "Al" leaves "Alex" alone.
    """
    changed = 0
    for name in {n for n in names if n}:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        for pk, summary in Event.objects.filter(summary__contains=name).values_list(
            "pk", "summary"
        ):
            redacted = pattern.sub(replacement, summary)
            if redacted != summary:
                # QuerySet.update itself is refused on the log (EventQuerySet); this is the
                # only caller allowed past that refusal.
                models.QuerySet.update(Event.objects.filter(pk=pk), summary=redacted[:300])
                changed += 1
    return changed
