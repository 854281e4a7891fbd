"""Fifty clients at once on one decision, on PostgreSQL: each a thread with its own database
connection, voting, changing and taking back votes, leaving the project, and the deadline
sweep closing the vote, in several rounds with different interleavings (a seed per round).

What must hold after every round: each member's stored vote is the last one they were told
was recorded (nothing lost, nothing doubled), the history has one entry per recorded change
and none for a refused one, and the stored outcome is what the pure `decide` gives over the
stored votes. And parallel joins through invitations make one membership.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.db import connection

from participation.services.invitations import InvitationError, invite
from participation.services.joining import accept
from projects.decision import BlocBallots, decide
from projects.models import (
    QUORUM_UNREACHABLE,
    Bloc,
    Choice,
    Event,
    EventKind,
    Gate,
    Membership,
    Project,
    Role,
    Vote,
)
from projects.services import ProjectError, gates, leave_project
from projects.services import closing as gate_closing
from tests.concurrency import postgresql_only, race
from tests.gate_helpers import deadline, open_gate

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]

CLIENTS = 50
ROUNDS = [11, 23, 37, 41, 59]
PER_BLOC = 22  # with the project's own four voters: 44 members, 6 of them press twice
TAPPERS = 5
WITHDRAW = "withdraw"
LEAVE = "leave"
VOTE_EVENTS = [EventKind.VOTE_CAST, EventKind.VOTE_CHANGED, EventKind.VOTE_WITHDRAWN]


@pytest.fixture(autouse=True)
def connection_each() -> Iterator[None]:
    """A pool as big as the crowd, so that every client really holds its own connection."""
    options = connection.settings_dict["OPTIONS"]
    saved = options.get("pool")
    pooled: Any = connection  # close_pool is PostgreSQL's, unknown to the base class stubs
    pooled.close_pool()
    if saved:
        options["pool"] = {**saved, "min_size": 1, "max_size": CLIENTS + 2, "timeout": 30}
    try:
        yield
    finally:
        pooled.close_pool()
        options["pool"] = saved


@dataclass
class Client:
    """One member's thread: what it asked for, and what it was told."""

    voter: Any
    membership: Membership
    actions: list[str]
    rng: random.Random
    told: list[tuple[str, object]] = field(default_factory=list)

    def run(self, gate: Gate) -> None:
        for action in self.actions:
            time.sleep(self.rng.uniform(0, 0.03))
            try:
                if action == WITHDRAW:
                    result: object = gates.withdraw_vote(gate=gate, voter=self.voter)
                elif action == LEAVE:
                    result = leave_project(membership=self.membership)
                else:
                    result = gates.cast_vote(gate=gate, voter=self.voter, choice=action, reason="r")
            except ProjectError as refusal:  # GateError too: a plain refusal, nothing changed
                result = refusal
            self.told.append((action, result))


def expected(told: list[tuple[str, object]]) -> tuple[str | None, Counter[str]]:
    """The vote a member should have stored, and the history entries they should have caused,
    worked out from what each of their requests was told."""
    choice: str | None = None
    events: Counter[str] = Counter()
    for action, result in told:
        if isinstance(result, Exception) or action == LEAVE:
            continue
        if action == WITHDRAW:
            assert result is (choice is not None), "a take-back said the wrong thing"
            if result:
                events[EventKind.VOTE_WITHDRAWN] += 1
                choice = None
        elif action != choice:
            events[EventKind.VOTE_CAST if choice is None else EventKind.VOTE_CHANGED] += 1
            choice = action
    return choice, events


def stored_decision(gate: Gate) -> Any:
    """`decide` over the stored votes and the electorate fixed when voting opened."""
    electorate = {int(uid): Bloc(bloc) for uid, bloc in gate.electorate.items()}
    counts = {bloc: Counter[str]() for bloc in Bloc}
    for voter_id, choice in Vote.objects.filter(gate=gate).values_list("voter_id", "choice"):
        counts[electorate[voter_id]][choice] += 1

    def ballots(bloc: Bloc) -> BlocBallots:
        return BlocBallots(
            electorate=sum(1 for b in electorate.values() if b == bloc),
            approvals=counts[bloc][Choice.APPROVE],
            objections=counts[bloc][Choice.OBJECT],
            abstentions=counts[bloc][Choice.ABSTAIN],
        )

    rule = Project.rule_from(gate.rule)
    return decide(rule, lived=ballots(Bloc.LIVED), learned=ballots(Bloc.LEARNED))


def crowd(project: Project, join: Callable[..., Any], seed: int) -> list[Client]:
    """Every voting member with a few actions each; some leave part way."""
    for _ in range(PER_BLOC - 2):
        join(project, Role.EXPERT_BY_EXPERIENCE)
        join(project, Role.PRACTITIONER)
    rng = random.Random(seed)
    clients = []
    for membership in Membership.objects.voting().filter(project=project).select_related("user"):
        moves = [rng.choice([*Choice.values, *Choice.values, WITHDRAW]) for _ in range(3)]
        actions = moves[: rng.randint(1, 3)]
        if not membership.is_co_lead and rng.random() < 0.15:
            actions.insert(rng.randint(0, len(actions)), LEAVE)
        clients.append(Client(membership.user, membership, actions, random.Random(rng.random())))
    return clients


@pytest.mark.parametrize("seed", ROUNDS)
def test_fifty_clients_voting_leaving_and_closing_at_once_leave_the_outcome_decide_gives(
    seed, project, practitioner, expert, join
):
    """Each member's stored vote is the last one they were told was recorded; each recorded
    change is in the history once and each refused one not at all; the gate closes once; its
    stored outcome and figures are `decide` over the stored votes."""
    clients = crowd(project, join, seed)
    gate = open_gate(project, practitioner, expert)
    rng = random.Random(seed)
    # A few members press their only vote twice at once (a double tap from two tabs).
    tappers = rng.sample([c for c in clients if LEAVE not in c.actions], TAPPERS)
    for client in tappers:
        client.actions = [rng.choice(Choice.values)]
    twins = [Client(c.voter, c.membership, list(c.actions), random.Random(seed)) for c in tappers]
    close_at = rng.uniform(0.02, 0.12)

    def close() -> Gate | None:
        time.sleep(close_at)
        return gate_closing.close_gate(gate_id=gate.pk, now=deadline(gate) + timedelta(seconds=1))

    jobs: list[Callable[[], Any]] = [partial(c.run, gate) for c in [*clients, *twins]]
    jobs.insert(rng.randrange(len(jobs)), close)
    assert len(jobs) == CLIENTS
    outcomes = race(jobs)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    gate.refresh_from_db()
    assert gate.is_closed
    assert Event.objects.filter(kind=EventKind.GATE_CLOSED, data__gate=gate.pk).count() == 1

    stored = dict(Vote.objects.filter(gate=gate).values_list("voter_id", "choice"))
    twin_of = {c.voter.pk: t for c, t in zip(tappers, twins, strict=True)}
    for client in clients:
        told = client.told + (twin_of[client.voter.pk].told if client.voter.pk in twin_of else [])
        if client.voter.pk in twin_of:
            # Both presses asked for the same vote: one recorded it, the other changed nothing.
            recorded = [r for _, r in told if isinstance(r, Vote)]
            want = client.actions[0] if recorded else None
            events = Counter({str(EventKind.VOTE_CAST): 1} if recorded else {})
        else:
            want, events = expected(client.told)
        assert stored.get(client.voter.pk) == want, (client.voter.pk, client.told)
        logged = Counter(
            Event.objects.filter(
                kind__in=VOTE_EVENTS, actor=client.voter, data__gate=gate.pk
            ).values_list("kind", flat=True)
        )
        assert logged == events, (client.voter.pk, client.told)
        left = [r for a, r in client.told if a == LEAVE and r is True]
        assert Event.objects.filter(
            kind=EventKind.MEMBER_LEFT, data__user=client.voter.pk
        ).count() == len(left)

    decision = stored_decision(gate)
    if gate.reason == QUORUM_UNREACHABLE:
        assert not decision.passed
    else:
        assert (gate.passed, gate.reason) == (decision.passed, decision.reason.value)
    for bloc, result in (("lived", decision.lived), ("learned", decision.learned)):
        figures = gate.results[bloc]
        assert (figures["approvals"], figures["objections"], figures["abstentions"]) == (
            result.approvals,
            result.objections,
            result.abstentions,
        )


def test_twenty_accepts_of_one_invitation_at_once_make_one_membership(
    project, practitioner, user_factory
):
    """One link pressed twenty times at once: one membership, one "joined" entry, and every
    press is told it is in the project."""
    sent = invite(
        project=project, role=Role.EXPERT_BY_EXPERIENCE, inviter=practitioner, email="maya@ex.org"
    )
    maya = user_factory(email="maya@ex.org")

    outcomes = race([lambda: accept(invitation=sent.invitation, user=maya)] * 20)

    assert all(isinstance(o, Membership) for o in outcomes), outcomes
    assert Membership.objects.filter(project=project, user=maya).count() == 1
    assert Event.objects.filter(kind=EventKind.MEMBER_JOINED, data__user=maya.pk).count() == 1


def test_two_invitations_for_one_person_accepted_at_once_make_one_membership(
    project, practitioner, user_factory
):
    """An emailed and a texted invitation to the same person, both opened at once (ten times
    each): one membership and one "joined" entry; a press that lost is refused in words."""
    by_email = invite(
        project=project, role=Role.EXPERT_BY_EXPERIENCE, inviter=practitioner, email="kit@ex.org"
    ).invitation
    by_text = invite(
        project=project, role=Role.EXPERT_BY_EXPERIENCE, inviter=practitioner, phone="07700900123"
    ).invitation
    kit = user_factory(email="kit@ex.org")

    presses: list[Callable[[], Any]] = [
        partial(accept, invitation=i, user=kit) for i in [by_email, by_text]
    ]
    outcomes = race(presses * 10)

    joined = [o for o in outcomes if isinstance(o, Membership)]
    refused = [o for o in outcomes if o not in joined]
    assert joined, outcomes
    assert all(isinstance(r, ProjectError | InvitationError) and str(r) for r in refused), refused
    assert Membership.objects.filter(project=project, user=kit).count() == 1
    assert Event.objects.filter(kind=EventKind.MEMBER_JOINED, data__user=kit.pk).count() == 1
