"""The project's history: every change records one event, which every member can read.

Every event is sealed into its project's hash chain (`projects.chain`) as it is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pgtrigger
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import ngettext

from coproduce.models import User

from .. import chain
from ..models import Event, EventKind, Project


# No savepoint of its own (two queries per event saved): callers are atomic already, and an
# error here should end their transaction anyway.
@transaction.atomic(savepoint=False)
def log_event(
    *,
    project: Project,
    kind: EventKind,
    actor: User | None,
    summary: str,
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one event to `project`'s log, sealed after its last entry (three queries).

    The project row is locked (FOR NO KEY UPDATE, which still lets other rows be added that
    point at the project) until the caller's transaction ends, so two requests logging at once
    take turns and the chain never forks; the unique (project, seq) constraint is the backstop.
    """
    Project.objects.select_for_update(no_key=True).filter(pk=project.pk).values_list("pk").get()
    event = Event(
        project=project,
        kind=kind,
        actor=actor,
        stage=project.stage,
        summary=summary[:300],
        data=data or {},
    )
    previous = (
        Event.objects.filter(project=project).order_by("-seq").values_list("seq", "hash").first()
    )
    previous_seq, previous_hash = previous or (0, chain.GENESIS)
    event.seal(previous_seq=previous_seq, previous_hash=previous_hash)
    event.save(force_insert=True)
    return event


def seal_in_bulk(events: list[Event]) -> list[Event]:
    """Seal unsaved `events` (of any projects) after what each project's log holds, in order
    of time, for `bulk_create` (one query). For the benchmark loader, which runs alone."""
    events = sorted(events, key=lambda event: event.at)
    project_ids = {event.project_id for event in events}
    last_seq = (
        Event.objects.filter(project_id=OuterRef("project_id")).order_by("-seq").values("seq")[:1]
    )
    last: dict[int, tuple[int, str]] = {
        project_id: (seq, hash_)
        for project_id, seq, hash_ in Event.objects.filter(
            project_id__in=project_ids, seq=Subquery(last_seq)
        ).values_list("project_id", "seq", "hash")
    }
    for event in events:
        previous_seq, previous_hash = last.get(event.project_id, (0, chain.GENESIS))
        event.seal(previous_seq=previous_seq, previous_hash=previous_hash)
        last[event.project_id] = (previous_seq + 1, event.hash)
    return events


def redact_names(*, names: Iterable[str], replacement: str) -> int:
    """Replace each of `names` (a person's name, email, phone) in every event's wording with
    `replacement`; returns how many events changed.

    The one change the append-only log allows: a person who deletes their account has the
    right to have their name erased, while the events themselves (who voted, who joined, when)
    stay as evidence. Whole words only, so erasing "Al" leaves "Alex" alone.

    The chain stays whole: it holds a digest of the wording, not the wording (`projects.chain`).
    Each changed event loses its nonce too, so nobody can confirm a guessed name against the
    digest, and each project whose log changed gets a `names_erased` entry naming the
    positions, which is how `verify_log` tells this erasure from tampering. In PostgreSQL the
    update passes the `no_update` trigger only here, and `only_wording_changes` still holds.
    """
    wanted = sorted({n for n in names if n}, key=len, reverse=True)
    patterns = [re.compile(rf"(?<!\w){re.escape(name)}(?!\w)") for name in wanted]
    found: dict[int, tuple[int, int, str]] = {}  # pk -> (project id, seq, wording)
    for name in wanted:
        for pk, project_id, seq, summary in Event.objects.filter(
            summary__contains=name
        ).values_list("pk", "project_id", "seq", "summary"):
            found[pk] = (project_id, seq, summary)
    redacted_by_project: dict[int, list[tuple[int, int, str]]] = {}
    for pk, (project_id, seq, summary) in found.items():
        # Every name out of one wording before it is written, so none is left behind.
        redacted = summary
        for pattern in patterns:
            redacted = pattern.sub(replacement, redacted)
        if redacted != summary:
            redacted_by_project.setdefault(project_id, []).append((pk, seq, redacted[:300]))
    with pgtrigger.ignore("projects.Event:no_update"):
        for changes in redacted_by_project.values():
            for pk, _seq, redacted in changes:
                # QuerySet.update itself is refused on the log (EventQuerySet); this is the
                # only caller allowed past that refusal.
                QuerySet.update(Event.objects.filter(pk=pk), summary=redacted, nonce="")
    for project in Project.objects.filter(pk__in=redacted_by_project).order_by("pk"):
        positions = sorted({seq for _pk, seq, _text in redacted_by_project[project.pk]})
        log_event(
            project=project,
            kind=EventKind.NAMES_ERASED,
            actor=None,
            summary=ngettext(
                "A person's name was erased from %(count)d entry at their request.",
                "A person's name was erased from %(count)d entries at their request.",
                len(positions),
            )
            % {"count": len(positions)},
            data={"entries": positions},
        )
    return sum(len(changes) for changes in redacted_by_project.values())
