"""How votes came (online, by text message, recorded with help) on a decision's results and in
the commissioner's evidence pack: counted in one query, and never a choice while voting is open."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from projects.models import Choice, Gate, GateStatus, Project, Role, Vote, VoteChannel
from projects.selectors import gates as gate_reading
from tests.gate_helpers import made_open_gate

pytestmark = pytest.mark.django_db


def add_votes(
    gate: Gate, join: Any, helper: Any, *, web: int, text: int, confirmed: int, unconfirmed: int
) -> None:
    """Hand-built votes from new members, each by the channel named; all approve or abstain
    so that no objection (and its response form) joins the page."""
    ways: list[tuple[VoteChannel, bool | None]] = []
    ways += [(VoteChannel.WEB, None)] * web
    ways += [(VoteChannel.TEXT, None)] * text
    ways += [(VoteChannel.ASSISTED, True)] * confirmed
    ways += [(VoteChannel.ASSISTED, False)] * unconfirmed
    for number, (channel, was_confirmed) in enumerate(ways):
        voter = join(gate.project, Role.EXPERT_BY_EXPERIENCE)
        Vote.objects.create(
            gate=gate,
            voter=voter,
            choice=Choice.APPROVE if number % 2 else Choice.ABSTAIN,
            channel=channel,
            confirmed=was_confirmed,
            recorded_by=helper if was_confirmed is not None else None,
        )


def close(gate: Gate) -> Gate:
    Gate.objects.filter(pk=gate.pk).update(status=GateStatus.CLOSED, passed=True)
    gate.refresh_from_db()
    return gate


@pytest.fixture
def signoff_gate(project: Project) -> Gate:
    return made_open_gate(project, signoff_required=True)


def test_votes_are_counted_by_how_they_came(project, join, practitioner):
    gate = made_open_gate(project)
    add_votes(gate, join, practitioner, web=4, text=3, confirmed=2, unconfirmed=1)
    channels = gate_reading.vote_channels(gate)
    assert channels == gate_reading.VoteChannels(total=10, by_text=3, assisted=3, confirmed=2)
    assert channels.describe() == (
        "3 of the 10 votes came by text message; 3 were recorded with help "
        "(2 of them confirmed by the member)."
    )


def test_a_decision_with_no_votes_says_nothing_about_channels(project):
    gate = made_open_gate(project)
    assert gate_reading.vote_channels(gate).describe() == ""


def test_the_results_of_a_closed_decision_say_how_the_votes_came(
    client: Client, project, join, practitioner, expert2
):
    gate = made_open_gate(project)
    add_votes(gate, join, practitioner, web=2, text=1, confirmed=1, unconfirmed=0)
    client.force_login(expert2)
    body = client.get(close(gate).get_absolute_url()).content.decode()
    assert (
        escape(
            "1 of the 4 votes came by text message; 1 was recorded with help "
            "(1 of them confirmed by the member)."
        )
        in body
    )


def test_while_voting_is_open_how_the_votes_came_is_not_shown(
    client: Client, project, join, practitioner, expert2
):
    gate = made_open_gate(project)
    add_votes(gate, join, practitioner, web=1, text=2, confirmed=0, unconfirmed=1)
    client.force_login(expert2)
    body = client.get(gate.get_absolute_url()).content.decode()
    # Counts that change after a vote recorded with help would tell the person helping
    # whether the member had already voted.
    assert "came by text message" not in body
    for word in ("approved", "abstained", "Votes in each group"):
        assert word not in body


def test_the_evidence_pack_says_how_the_votes_came(
    client: Client, signoff_gate, join, practitioner, commissioner
):
    add_votes(signoff_gate, join, practitioner, web=3, text=2, confirmed=1, unconfirmed=1)
    gate = close(signoff_gate)
    assert gate_reading.evidence_pack(gate).channels.by_text == 2
    client.force_login(commissioner)
    response = client.get(
        reverse("projects:gate_signoff", kwargs={"slug": gate.project.slug, "pk": gate.pk})
    )
    assert response.status_code == 200
    assert (
        escape(
            "2 of the 7 votes came by text message; 2 were recorded with help "
            "(1 of them confirmed by the member)."
        )
        in response.content.decode()
    )


def _queries(client: Client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("page", ["gate", "gate_signoff"])
def test_counting_channels_takes_the_same_queries_for_ten_votes_as_for_thirty(
    client: Client, signoff_gate, join, practitioner, commissioner, page
):
    gate = close(signoff_gate)
    path = reverse(f"projects:{page}", kwargs={"slug": gate.project.slug, "pk": gate.pk})
    client.force_login(commissioner)
    add_votes(gate, join, practitioner, web=4, text=3, confirmed=2, unconfirmed=1)
    _queries(client, path)  # a first request warms per-process caches
    few = _queries(client, path)
    add_votes(gate, join, practitioner, web=8, text=6, confirmed=4, unconfirmed=2)
    many = _queries(client, path)
    assert len(many) == len(few), "\n".join(many)
