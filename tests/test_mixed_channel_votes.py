"""Votes that come online, by text reply and with help give the outcome `decide` gives over the
ballots the members last cast, whatever order they come in (a hypothesis property).

The expected ballots are worked out here, independently of the services: each member's last
counted action wins; a bare NO by text changes nothing (the reason is asked for); once the vote
has closed (settled early, or at its deadline) nothing more counts.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.sms import InboundMessage
from participation.services.texts import receive_text
from projects.decision import BlocBallots, decide
from projects.models import Choice, Gate, Project, Role
from projects.services import add_member, closing, create_project, gates
from projects.services.gates import Help
from tests.gate_helpers import open_gate

pytestmark = pytest.mark.django_db

WEB, TEXT, HELPED, HELPED_UNCONFIRMED = "web", "text", "helped", "helped_unconfirmed"
WORD = {Choice.APPROVE: "YES", Choice.OBJECT: "NO", Choice.ABSTAIN: "PASS"}
_ids = count()

action = st.tuples(
    st.integers(min_value=0, max_value=5),  # voter: 0-2 experts, 3-5 practitioners
    st.sampled_from(list(Choice)),
    st.sampled_from([WEB, TEXT, HELPED, HELPED_UNCONFIRMED]),
    st.booleans(),  # a reason given with a NO
)


def _people(user_factory: Any) -> tuple[Project, list[Any], Any]:
    n = next(_ids)
    lead = user_factory(email=f"lead{n}@example.org", display_name="Lead")
    project = create_project(
        creator=lead, title=f"Mixed {n}", summary="A test.", creator_role=Role.PRACTITIONER
    )
    voters = []
    for i in range(6):
        role = Role.EXPERT_BY_EXPERIENCE if i < 3 else Role.PRACTITIONER
        user = user_factory(
            email=f"v{n}-{i}@example.org",
            display_name=f"Voter {i}",
            phone=f"+4477009{n % 100:02d}{i:03d}",
            phone_verified=True,
        )
        add_member(project=project, user=user, role=role, actor=lead, is_co_lead=i == 0)
        voters.append(user)
    # The project's creator is a practitioner co-lead too; it leaves the vote to the six.
    return project, voters, lead


def _apply(gate: Gate, voter: Any, choice: Choice, channel: str, reason: bool, helper: Any) -> bool:
    """Send one action through its channel; True when it should count."""
    words = "too far from the bus" if reason else ""
    if channel == TEXT:
        body = f"{WORD[choice]} {gate.text_code} {words}".strip()
        receive_text(
            provider="fake", message=InboundMessage(f"mix-{next(_ids)}", voter.phone, body)
        )
        return choice != Choice.OBJECT or reason
    if choice == Choice.OBJECT and not reason:
        return False  # refused on the form and by the service alike
    helped = None
    if channel in (HELPED, HELPED_UNCONFIRMED):
        helped = Help(helper=helper, confirmed=channel == HELPED)
    gates.cast_vote(gate=gate, voter=voter, choice=choice, reason=words, helped=helped)
    return True


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=st.lists(action, max_size=14))
def test_mixed_channels_give_the_outcome_decide_gives_over_the_last_ballots(
    user_factory: Any, actions: list[tuple[int, Choice, str, bool]]
) -> None:
    with transaction.atomic():
        project, voters, lead = _people(user_factory)
        expert_lead = voters[0]
        gate = open_gate(project, lead, expert_lead)
        expected: dict[int, Choice] = {}
        for index, choice, channel, reason in actions:
            if gate.is_closed:
                break
            try:
                counts = _apply(gate, voters[index], choice, channel, reason, lead)
            except gates.GateError:
                counts = False
            if counts:
                expected[index] = choice
            gate.refresh_from_db()
        if not gate.is_closed:
            assert gate.closes_at is not None
            with time_machine.travel(gate.closes_at + timedelta(minutes=1)):
                closing.close_due_gates()
            gate.refresh_from_db()

        def ballots(indexes: range) -> BlocBallots:
            chosen = [expected[i] for i in indexes if i in expected]
            return BlocBallots(
                electorate=len(indexes) + (1 if indexes.start == 3 else 0),  # + the lead
                approvals=chosen.count(Choice.APPROVE),
                objections=chosen.count(Choice.OBJECT),
                abstentions=chosen.count(Choice.ABSTAIN),
            )

        decision = decide(
            Project.rule_from(gate.rule), lived=ballots(range(3)), learned=ballots(range(3, 6))
        )
        stored = {v.voter_id: Choice(v.choice) for v in gate.votes.all()}
        assert stored == {voters[i].pk: c for i, c in expected.items()}
        assert gate.passed == decision.passed
        assert gate.reason == decision.reason.value
        transaction.set_rollback(True)
