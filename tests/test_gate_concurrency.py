"""Real concurrency on PostgreSQL: threads with their own connections racing on one gate."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest

from participation.models import OutboxMessage
from projects import services
from projects.models import Choice, Event, EventKind, Gate, GateStatus, Role, Vote
from projects.services import closing as gate_closing
from projects.services import gates
from tests.concurrency import postgresql_only, race
from tests.gate_helpers import deadline, lived_take_part, objection_after_close, open_gate

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
        6,
        partial(
            gate_closing.close_gate, gate_id=gate.pk, now=deadline(gate) + timedelta(seconds=1)
        ),
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
    assert gate.passed == gate_closing.tally(gate).passed


def test_ten_simultaneous_identical_proposals_make_one_draft(project, practitioner):
    propose = partial(
        gates.draft_gate,
        project=project,
        actor=practitioner,
        proposal="Move to delivery.",
        what_changes="Evening opening.",
    )

    outcomes = race([propose] * 10)

    assert all(isinstance(o, Gate) for o in outcomes), outcomes
    assert {o.pk for o in outcomes} == {Gate.objects.get().pk}
    assert Event.objects.filter(kind=EventKind.GATE_DRAFTED).count() == 1


def test_ten_simultaneous_identical_first_votes_are_logged_once(project, practitioner, expert):
    gate = open_gate(project, practitioner, expert)

    outcomes = race([partial(gates.cast_vote, gate=gate, voter=expert, choice="approve")] * 10)

    assert all(isinstance(o, Vote) for o in outcomes), outcomes
    assert Event.objects.filter(kind=EventKind.VOTE_CAST).count() == 1
    assert not Event.objects.filter(kind=EventKind.VOTE_CHANGED).exists()


def test_withdrawing_and_opening_at_once_leave_one_consistent_outcome(
    project, practitioner, expert
):
    lived_take_part(project, expert)
    gate = gates.draft_gate(project=project, actor=practitioner, proposal="p", what_changes="w")

    outcomes = race(
        [
            partial(gates.withdraw_gate, gate=gate, actor=expert),
            partial(gates.open_gate, gate=gate, actor=practitioner),
        ]
    )

    gate.refresh_from_db()
    refused = [o for o in outcomes if isinstance(o, gates.GateError)]
    assert len(refused) == 1 and gate.status in {GateStatus.OPEN, GateStatus.WITHDRAWN}
    assert (
        Event.objects.filter(kind__in=[EventKind.GATE_OPENED, EventKind.GATE_WITHDRAWN]).count()
        == 1
    )


def test_a_removal_racing_the_opening_of_a_vote_never_leaves_a_removed_voter_on_it(
    project, practitioner, expert, expert2, join, monkeypatch
):
    join(project, Role.EXPERT_BY_EXPERIENCE)  # the group stays big enough either way
    lived_take_part(project, expert)
    gate = gates.draft_gate(project=project, actor=practitioner, proposal="p", what_changes="w")
    leaving = project.memberships.get(user=expert2)
    read_electorate = gate_closing.electorate_now

    def slow_read(project_id: int) -> dict[str, str]:
        # Widen the window between reading who may vote and the vote showing as open.
        electorate = read_electorate(project_id)
        time.sleep(0.5)
        return electorate

    def remove_a_moment_later() -> None:
        time.sleep(0.2)
        services.remove_member(membership=leaving, actor=practitioner)

    monkeypatch.setattr(gates, "electorate_now", slow_read)
    outcomes = race(
        [remove_a_moment_later, partial(gates.open_gate, gate=gate, actor=practitioner)]
    )

    gate.refresh_from_db()
    removed = not project.memberships.get(user=expert2).is_active
    assert gate.is_open
    assert removed is (str(expert2.pk) not in gate.electorate), outcomes
    assert isinstance(outcomes[0], services.ProjectError)


def test_an_objection_response_sent_five_times_at_once_is_recorded_and_logged_once(
    project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    objection = objection_after_close(gate, [expert, practitioner, practitioner2], expert2)
    respond = partial(
        gates.respond_to_objection,
        objection=objection,
        actor=practitioner,
        body="We costed it.",
        outcome="done",
    )

    outcomes = race([respond] * 5)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert Event.objects.filter(kind=EventKind.RESPONSE_RECORDED).count() == 1
    assert OutboxMessage.objects.filter(kind="response_recorded").count() == 1
