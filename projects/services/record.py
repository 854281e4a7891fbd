"""Checking that a project's record proves itself: its hash chain is whole.

`check_record` reads a project's log in order of position (`seq`), recomputes every entry's
hash as `projects.chain` defines it, and stops at the first fault: an entry changed after it
was written, a wording that no longer matches its digest (unless a later `names_erased` entry
says that position was erased at the person's request), a missing position, an entry whose
`prev_hash` is not the hash before it (moved, or something before it removed or replaced),
or entries removed from the end (fewer than the last check found sound).

Why a stored check, not a check per page view: the evidence pack and the evaluation report
must stay fast (a fixed handful of queries) at 10,000 events, and reading the whole log per
request would not. So each check is saved as the project's one `RecordCheck` row, and the
pages read it through the project's access door, which joins it to the query that already
reads the project: no query more per page, and the same answer in every web process (a cache
would have been per process without Redis, and one more thing to keep in step). Checks are
made by `verify_log` and by the `check_records` task, which beat runs every hour, so the pages
say when the record was last checked. The stored last sound position and hash also anchor the
next check, which is how removing entries from the end is caught.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import chain
from ..models import Event, EventKind, Fault, Project, RecordCheck


def log_rows(project_id: int) -> Iterator[tuple[Any, ...]]:
    """The project's log in chain order, each entry as a tuple of LOG_FIELDS, read 2,000 rows
    at a time so that a long log stays small in memory."""
    rows = Event.objects.filter(project_id=project_id).order_by("seq").values_list(*LOG_FIELDS)
    return rows.iterator(chunk_size=2000)


# What a check reads of each entry, in this order (the CSV download reads the same).
LOG_FIELDS = (
    "seq",
    "kind",
    "stage",
    "at",
    "actor_id",
    "summary",
    "nonce",
    "summary_digest",
    "data",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class Finding:
    """What one pass over a log found: `entries` read, the last sound position and hash, and
    the first fault (empty when there is none) at position `fault_seq`."""

    entries: int
    verified_seq: int
    verified_hash: str
    fault: str = ""
    fault_seq: int | None = None


def walk_chain(*, project_id: int, anchor: tuple[int, str] | None = None) -> Finding:
    """Read `project_id`'s whole log in order, streamed, and return the first fault.
    `anchor` is (seq, hash) of the last entry a previous check found sound. Reads no more
    than 2,000 rows into memory at a time."""
    expected, previous_hash, last_prev = 1, chain.GENESIS, chain.GENESIS
    entries = 0
    erased: set[int] = set()  # positions a names_erased entry vouches for
    reworded: list[tuple[int, str]] = []  # (seq, prev_hash) whose wording left its digest
    fault: tuple[str, int, str] | None = None  # (fault, seq, hash of the entry before it)
    for seq, kind, stage, at, actor_id, summary, nonce, digest, data, prev, stored in log_rows(
        project_id
    ):
        entries += 1
        if seq != expected:
            fault = (Fault.MISSING, expected, previous_hash)
            break
        entry = chain.Entry(project_id, seq, kind, stage, at, actor_id, digest, data, prev)
        if chain.entry_hash(entry) != stored:
            fault = (Fault.CHANGED, seq, previous_hash)
            break
        if prev != previous_hash:
            fault = (Fault.OUT_OF_PLACE, seq, previous_hash)
            break
        if chain.summary_digest(nonce=nonce, summary=summary) != digest:
            reworded.append((seq, prev))
        if kind == EventKind.NAMES_ERASED and isinstance(data, dict):
            erased.update(p for p in data.get("entries", []) if isinstance(p, int) and p < seq)
        expected, previous_hash, last_prev = seq + 1, stored, prev
    tampered = [(seq, prev) for seq, prev in reworded if seq not in erased]
    if tampered and (fault is None or tampered[0][0] < fault[1]):
        fault = (Fault.WORDING_CHANGED, *tampered[0])
    if fault is not None:
        kind_of_fault, at_seq, sound_hash = fault
        return Finding(entries, at_seq - 1, sound_hash, kind_of_fault, at_seq)
    sound_seq = expected - 1
    if anchor is not None and anchor[0] > 0:
        anchored_seq, anchored_hash = anchor
        if sound_seq < anchored_seq:
            return Finding(entries, sound_seq, previous_hash, Fault.TAIL_REMOVED, sound_seq + 1)
        if sound_seq == anchored_seq and previous_hash != anchored_hash:
            return Finding(entries, sound_seq - 1, last_prev, Fault.CHANGED, sound_seq)
    return Finding(entries, sound_seq, previous_hash)


@transaction.atomic
def check_record(*, project: Project, now: datetime | None = None) -> RecordCheck:
    """Check `project`'s whole chain (see the module docstring), store the result as its
    RecordCheck and return it. Never raises for a broken chain: a
    fault is a result. Reads the log in a stream; a 10,000-entry log takes well under a
    second."""
    previous = RecordCheck.objects.select_for_update().filter(project=project).first()
    # The last sound position found before is the anchor, so entries removed from the end
    # since then are noticed.
    anchor = None if previous is None else (previous.verified_seq, previous.verified_hash)
    finding = walk_chain(project_id=project.pk, anchor=anchor)
    check = RecordCheck(
        project=project,
        checked_at=now or timezone.now(),
        entries=finding.entries,
        verified_seq=finding.verified_seq,
        verified_hash=finding.verified_hash,
        fault=finding.fault,
        fault_seq=finding.fault_seq,
    )
    check.save()
    return check


def describe(check: RecordCheck) -> str:
    """The check in plain English, for the command line and the pages."""
    if check.sound:
        return _(
            "The record checks out: %(entries)s entries, each linked to the one before it."
        ) % {"entries": f"{check.entries:,}"}
    words = {"seq": check.fault_seq, "fault": Fault(check.fault).label, "sound": check.verified_seq}
    if not check.verified_seq:
        return (
            _(
                "The record does not check out: entry %(seq)s %(fault)s, so no entry could be "
                "confirmed."
            )
            % words
        )
    return (
        _(
            "The record does not check out: entry %(seq)s %(fault)s. Entries 1 to %(sound)s "
            "check out."
        )
        % words
    )
