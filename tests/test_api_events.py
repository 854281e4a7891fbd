"""The event log through the API: ids, kinds, digests and hashes, never the wording (it names
people), and enough for an auditor to check the whole chain from the API's answers alone."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pgtrigger
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from projects import chain
from projects.models import Choice, Event, Project
from projects.services import gates
from tests.api_helpers import EVENT_FIELDS, bearer, rows
from tests.gate_helpers import open_gate

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(project: Project, practitioner, expert, expert2) -> Project:
    """A project whose log has several pages of entries: joining, proposing, opening, voting."""
    gate = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=gate, voter=expert2, choice=Choice.OBJECT, reason="Too far to travel.")
    return project


def broken_links(project_id: int, entries: list[dict[str, Any]]) -> list[str]:
    """What an auditor's script finds wrong, from the API's fields alone (`projects.chain`)."""
    faults = []
    previous = chain.GENESIS
    for position, entry in enumerate(entries, start=1):
        if entry["seq"] != position:
            faults.append(f"entry {position} has seq {entry['seq']}")
        if entry["prev_hash"] != previous:
            faults.append(f"entry {entry['seq']} does not link to the one before")
        sealed = chain.Entry(
            project_id=project_id,
            seq=entry["seq"],
            kind=entry["kind"],
            stage=entry["stage"],
            at=datetime.fromisoformat(entry["at"]),
            actor_id=entry["actor"],
            summary_digest=entry["summary_digest"],
            data=json.loads(entry["data"]),
            prev_hash=entry["prev_hash"],
        )
        if chain.entry_hash(sealed) != entry["hash"]:
            faults.append(f"entry {entry['seq']} does not match its hash")
        previous = entry["hash"]
    return faults


def read_log(client: Client, project: Project, headers: dict[str, str]) -> tuple[int, list]:
    path = reverse("api:project", kwargs={"slug": project.slug})
    project_id = client.get(path, headers=headers).json()["id"]
    path = reverse("api:events", kwargs={"slug": project.slug})
    return project_id, rows(client, path, headers, page_size=2)


def test_the_chain_checks_out_from_the_apis_answers_alone_across_pages(
    client: Client, logged: Project, expert2
) -> None:
    project_id, entries = read_log(client, logged, bearer(expert2))
    # More than one page of two, each page fetched by the cursor the one before gave.
    assert len(entries) == Event.objects.filter(project=logged).count() > 5
    assert broken_links(project_id, entries) == []


def test_an_entry_changed_in_the_database_no_longer_checks_out(
    client: Client, logged: Project, expert2
) -> None:
    """The check above can fail: an entry whose figures were altered after the fact."""
    # As someone who owns the database could: past the app's guard and PostgreSQL's triggers.
    with pgtrigger.ignore(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects_event SET kind = 'signed_off' WHERE project_id = %s AND seq = 3",
            [logged.pk],
        )
    project_id, entries = read_log(client, logged, bearer(expert2))
    assert broken_links(project_id, entries) == ["entry 3 does not match its hash"]


def test_the_log_gives_kinds_digests_and_hashes_never_the_wording(
    client: Client, logged: Project, expert2
) -> None:
    _project_id, entries = read_log(client, logged, bearer(expert2))
    assert all(list(entry) == EVENT_FIELDS for entry in entries)
    text = json.dumps(entries)
    summaries = Event.objects.filter(project=logged).values_list("summary", "nonce")
    for summary, nonce in summaries:
        assert summary not in text and nonce not in text
    for name in ("Erin", "Eli", "Pat", "Petra", "Cam"):
        assert name not in text
    assert "Too far to travel." not in text
    opened = next(entry for entry in entries if entry["kind"] == "gate_opened")
    assert opened["kind_text"] == Event(kind="gate_opened").get_kind_display()
