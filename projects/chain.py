"""How an entry of a project's event log is sealed into that project's hash chain.

Pure Python (no Django), so that the data migration, the services and an auditor's own script
compute exactly the same thing. The serialisation below is version 1 and frozen: changing it
would make every stored hash wrong. A new format needs a new version tag and a new function.

Each entry stores:

- `seq`: its position in the project's log, 1, 2, 3, … with no gaps;
- `nonce`: 32 random hexadecimal characters;
- `summary_digest`: SHA-256 (hex) of the UTF-8 bytes of `nonce + "\\n" + summary`;
- `prev_hash`: the `hash` of entry `seq - 1`, or 64 zeros (`GENESIS`) for entry 1;
- `hash`: SHA-256 (hex) of the UTF-8 bytes of these ten lines, joined by "\\n" (no final
  newline)::

    coproduce-event-v1
    project=<project id, decimal>
    seq=<seq, decimal>
    kind=<kind code, e.g. vote_cast>
    stage=<stage code, e.g. design>
    at=<time in UTC, ISO 8601 with microseconds: 2026-12-05T23:48:59.000123+00:00>
    actor=<actor's user id, decimal, or nothing when there is no actor>
    summary=<summary_digest>
    data=<data as JSON: keys sorted, separators "," and ":", non-ASCII escaped as \\uXXXX>
    previous=<prev_hash>

The wording (`summary`) enters the chain through its digest rather than directly because the
wording may name a person, and a person who deletes their account has the right to have their
name erased. Erasure replaces the wording and blanks the nonce (so nobody can confirm a guessed
name against the digest), and appends an entry of kind `names_erased` whose data lists the
redacted positions: `{"entries": [3, 17]}`. The chain itself never changes; a verifier accepts
a wording that no longer matches its digest only at a position a later `names_erased` entry
names.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

VERSION_TAG = "coproduce-event-v1"
GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    """The fields of one log entry that its hash covers, as stored."""

    project_id: int
    seq: int
    kind: str
    stage: str
    at: datetime
    actor_id: int | None
    summary_digest: str
    data: Any
    prev_hash: str


def new_nonce() -> str:
    return secrets.token_hex(16)


def summary_digest(*, nonce: str, summary: str) -> str:
    return hashlib.sha256(f"{nonce}\n{summary}".encode()).hexdigest()


def canonical_data(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def serialise(entry: Entry) -> str:
    """The exact text whose SHA-256 is the entry's hash (see the module docstring)."""
    at = entry.at.astimezone(UTC).isoformat(timespec="microseconds")
    actor = "" if entry.actor_id is None else str(entry.actor_id)
    return "\n".join(
        [
            VERSION_TAG,
            f"project={entry.project_id}",
            f"seq={entry.seq}",
            f"kind={entry.kind}",
            f"stage={entry.stage}",
            f"at={at}",
            f"actor={actor}",
            f"summary={entry.summary_digest}",
            f"data={canonical_data(entry.data)}",
            f"previous={entry.prev_hash}",
        ]
    )


def entry_hash(entry: Entry) -> str:
    return hashlib.sha256(serialise(entry).encode()).hexdigest()
