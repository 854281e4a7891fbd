"""Real concurrency on PostgreSQL: threads with their own connections racing on one gate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest

from projects import gates
from projects.models import Choice, Gate, Role, Vote
from tests.concurrency import postgresql_only, race
from tests.gate_helpers import deadline, open_gate

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_twenty_simultaneous_votes_by_one_member_leave_one_vote(project, practitioner, expert):
    gate = open_gate(project, practitioner, expert)
    choices = [Choice.APPROVE, Choice.ABSTAIN, Choice.OBJECT, Choice.APPROVE] * 5

    outcomes = race(
        [partial(gates.cast_vote, gate=gate, voter=expert, choice=c, reason="r") for c in choices]
    )

    assert all(isinstance(o, Vote) for o in outcomes), outcomes
    assert Vote.objects.filter(gate=gate, voter=expert).count() == 1
    assert Gate.objects.get(pk=gate.pk).is_open


def test_votes_racing_the_close_are_counted_or_refused_and_the_outcome_matches_the_votes(
    project, practitioner, practitioner2, expert, expert2, join
):
    voters = [join(project, Role.EXPERT_BY_EXPERIENCE) for _ in range(6)]
    voters += [join(project, Role.PRACTITIONER) for _ in range(6)]
    gate = open_gate(project, practitioner, expert)

    jobs: list[Callable[[], Any]] = [
        partial(gates.cast_vote, gate=gate, voter=v, choice=Choice.APPROVE) for v in voters
    ]
    jobs.insert(
        6, partial(gates.close_gate, gate_id=gate.pk, now=deadline(gate) + timedelta(seconds=1))
    )
    outcomes = race(jobs)

    refused = [o for o in outcomes if isinstance(o, gates.GateError)]
    unexpected = [o for o in outcomes if isinstance(o, Exception) and o not in refused]
    assert not unexpected, unexpected
    assert all("has closed" in str(o) for o in refused)
    stored = Vote.objects.filter(gate=gate).count()
    assert stored + len(refused) == len(voters)

    gate.refresh_from_db()
    assert gate.is_closed
    counted = gate.results["lived"]["approvals"] + gate.results["learned"]["approvals"]
    assert counted == stored
    assert gate.passed == gates.tally(gate).passed
