"""Reads of the record's proof: whether it checks out, and the log with its hashes as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC

from coproduce.spreadsheets import as_text

from .. import chain
from ..models import Project, RecordCheck
from ..services.record import log_rows

CSV_COLUMNS = [
    "project",
    "seq",
    "at",
    "kind",
    "stage",
    "actor",
    "summary",
    "nonce",
    "summary_digest",
    "data",
    "prev_hash",
    "hash",
]


def record_status(project: Project) -> RecordCheck | None:
    """The project's last check (None: never checked yet). No query when the project came
    through `access_project`, which reads the check in the same query as the project."""
    try:
        return project.record_check
    except RecordCheck.DoesNotExist:
        return None


class _Line:
    """A file-like object that hands back what csv.writer writes, instead of keeping it."""

    def write(self, text: str) -> str:
        return text


def log_csv(project: Project) -> Iterator[str]:
    """`project`'s log in chain order as CSV lines, with every field an auditor needs to
    recompute each hash (`projects.chain`): times in UTC with microseconds, `data` as the
    canonical JSON. Streams 2,000 rows at a time, so 100,000 entries stay small in memory.
    A `summary` a spreadsheet would run as a formula is written with one apostrophe in front
    (`coproduce.spreadsheets`); drop it before recomputing the digest."""
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_COLUMNS)
    for seq, kind, stage, at, actor, summary, nonce, digest, data, prev, hash_ in log_rows(
        project.pk
    ):
        yield writer.writerow(
            [
                project.pk,
                seq,
                at.astimezone(UTC).isoformat(timespec="microseconds"),
                kind,
                stage,
                "" if actor is None else actor,
                as_text(summary),
                nonce,
                digest,
                chain.canonical_data(data),
                prev,
                hash_,
            ]
        )
