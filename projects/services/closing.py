"""Closing stage gates: the tally, the turnout, and every way a vote ends.

A vote closes at its deadline (the beat sweep), or early once its outcome cannot change:
everyone who can still vote has voted, or people have left so that a group can no longer reach
its quorum ("not decided"). Closing locks the gate row, as voting does, and is harmless to run
twice. The outcome is computed by the pure `projects.decision.decide` from the votes stored at
the moment of closing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.models import User

from .. import signals
from ..decision import BlocBallots, BlocResult, Decision, decide, quorum_reachable
from ..models import (
    QUORUM_UNREACHABLE,
    Bloc,
    Choice,
    EventKind,
    Gate,
    GateStatus,
    Membership,
    Project,
    Stage,
)
from ..selectors.gates import describe_outcome
from .history import log_event
from .projects import change_stage

logger = logging.getLogger(__name__)


def lock_gate(gate_id: int) -> Gate:
    """The gate and its project, locked until the transaction ends."""
    return Gate.objects.select_for_update().select_related("project").get(pk=gate_id)


def electorate_now(project_id: int) -> dict[str, str]:
    """Who can vote in the project now, as stored on a gate when it opens: user id -> bloc."""
    voters = Membership.objects.filter(project_id=project_id).voters_by_bloc()
    return {str(uid): bloc.value for bloc, ids in voters.items() for uid in ids}


def _electorate(gate: Gate) -> dict[int, Bloc]:
    """Who could vote on this gate, by user id: fixed when voting opened."""
    return {int(uid): Bloc(bloc) for uid, bloc in gate.electorate.items()}


def _still_to_vote(gate: Gate) -> set[int]:
    """Who could vote when voting opened, has not, and still can.

    Someone who has left, or moved to a role that does not vote, still counts in the
    electorate (so quorum does not shrink), but nobody waits for their vote.
    """
    voted = set(gate.votes.values_list("voter_id", flat=True))
    waiting = set(_electorate(gate)) - voted
    if not waiting:
        return waiting
    return set(
        Membership.objects.voting()
        .filter(project_id=gate.project_id, user_id__in=waiting)
        .values_list("user_id", flat=True)
    )


def tally(gate: Gate) -> Decision:
    """Apply the project's rule to the votes of current voting members."""
    electorate = _electorate(gate)
    counts: dict[Bloc, dict[str, int]] = {
        Bloc.LIVED: {"approvals": 0, "objections": 0, "abstentions": 0},
        Bloc.LEARNED: {"approvals": 0, "objections": 0, "abstentions": 0},
    }
    field = {
        Choice.APPROVE: "approvals",
        Choice.OBJECT: "objections",
        Choice.ABSTAIN: "abstentions",
    }
    for voter_id, choice in gate.votes.values_list("voter_id", "choice"):
        bloc = electorate.get(voter_id)
        if bloc is not None:
            counts[bloc][field[Choice(choice)]] += 1
    sizes = {bloc: sum(1 for b in electorate.values() if b == bloc) for bloc in counts}
    return decide(
        Project.rule_from(gate.rule),
        lived=BlocBallots(electorate=sizes[Bloc.LIVED], **counts[Bloc.LIVED]),
        learned=BlocBallots(electorate=sizes[Bloc.LEARNED], **counts[Bloc.LEARNED]),
    )


def turnout(gate: Gate) -> dict[str, tuple[int, int]]:
    """Votes cast and electorate per bloc: visible while open, unlike directions."""
    electorate = _electorate(gate)
    voted = set(gate.votes.values_list("voter_id", flat=True))
    return {
        bloc.value: (
            sum(1 for uid, b in electorate.items() if b == bloc and uid in voted),
            sum(1 for b in electorate.values() if b == bloc),
        )
        for bloc in (Bloc.LIVED, Bloc.LEARNED)
    }


def _bloc_json(result: BlocResult) -> dict[str, Any]:
    return {
        "electorate": result.electorate,
        "approvals": result.approvals,
        "objections": result.objections,
        "abstentions": result.abstentions,
        "votes_cast": result.votes_cast,
        "quorum_needed": result.quorum_needed,
        "quorum_met": result.quorum_met,
        "approval_share": round(result.approval_share, 4),
    }


def results_json(decision: Decision, *, early: bool, unreachable: Bloc | None) -> dict[str, Any]:
    """The figures stored on a closed gate (`Gate.results`)."""
    return {
        "rule": decision.rule.kind.value,
        "lived": _bloc_json(decision.lived),
        "learned": _bloc_json(decision.learned),
        "weighted_score": decision.weighted_score,
        "closed_early": early,
        "quorum_unreachable": unreachable.value if unreachable else None,
    }


def _unreachable_bloc(gate: Gate, decision: Decision, still_to_vote: set[int]) -> Bloc | None:
    """The first group (lived before learned) that can no longer reach its quorum, because
    people who could vote have left or stopped voting; None while both still can."""
    rule = Project.rule_from(gate.rule)
    electorate = _electorate(gate)
    for bloc, result in ((Bloc.LIVED, decision.lived), (Bloc.LEARNED, decision.learned)):
        ballots = BlocBallots(
            electorate=result.electorate,
            approvals=result.approvals,
            objections=result.objections,
            abstentions=result.abstentions,
        )
        waiting = sum(1 for uid in still_to_vote if electorate.get(uid) == bloc)
        if not quorum_reachable(rule, ballots, still_to_vote=waiting):
            return bloc
    return None


def ended_by_leaving(project_id: int, user_id: int) -> Gate | None:
    """The open vote that this person leaving now would end as not decided (their group could
    no longer reach its quorum without them), so the leave page can say so first; else None."""
    gate = Gate.objects.open_vote(project_id)
    if gate is None:
        return None
    still_to_vote = _still_to_vote(gate)
    if user_id not in still_to_vote:
        return None
    if _unreachable_bloc(gate, tally(gate), still_to_vote - {user_id}) is None:
        return None
    return gate


def close_if_settled(gate: Gate, *, now: datetime) -> Gate | None:
    """Close a locked open gate early when its outcome cannot change any more: everyone who
    can still vote has, or a group can no longer reach its quorum (not decided)."""
    still_to_vote = _still_to_vote(gate)
    decision = tally(gate)
    unreachable = _unreachable_bloc(gate, decision, still_to_vote)
    if unreachable is not None:
        return _close_locked(gate, now=now, early=True, decision=decision, unreachable=unreachable)
    if not still_to_vote:
        return _close_locked(gate, now=now, early=True, decision=decision)
    return None


def _close_locked(
    gate: Gate,
    *,
    now: datetime,
    early: bool,
    decision: Decision | None = None,
    unreachable: Bloc | None = None,
) -> Gate:
    decision = decision or tally(gate)
    project = Project.objects.select_for_update().get(pk=gate.project_id)
    gate.project = project
    gate.status, gate.closed_at = GateStatus.CLOSED, now
    gate.passed, gate.reason = decision.passed, decision.reason.value
    if unreachable is not None:
        gate.passed, gate.reason = False, QUORUM_UNREACHABLE
    gate.results = results_json(decision, early=early, unreachable=unreachable)
    gate.signoff_required = decision.passed and gate.signoff_required
    gate.save(
        update_fields=["status", "closed_at", "passed", "reason", "results", "signoff_required"]
    )
    log_event(
        project=project,
        kind=EventKind.GATE_CLOSED,
        actor=None,
        summary=describe_outcome(gate),
        data={"gate": gate.pk, "passed": gate.passed, "reason": gate.reason},
    )
    if decision.passed and not gate.signoff_required and project.stage == gate.from_stage:
        change_stage(
            project=project, to=Stage(gate.to_stage), actor=None, reason=_("both groups agreed.")
        )
    signals.gate_closed.send(sender=Gate, gate=gate)
    if gate.signoff_required:
        signals.signoff_requested.send(sender=Gate, gate=gate)
    return gate


def past_deadline(gate: Gate, now: datetime) -> bool:
    return gate.closes_at is not None and now >= gate.closes_at


@transaction.atomic
def close_gate(*, gate_id: int, now: datetime | None = None) -> Gate | None:
    """Close an open gate whose window has ended, or early when its outcome cannot change:
    nobody who can still vote has yet to, or a group can no longer reach its quorum because
    people left (not decided). Harmless to call twice or on a closed gate."""
    gate = lock_gate(gate_id)
    now = now or timezone.now()
    if not gate.is_open:
        return None
    if past_deadline(gate, now):
        return _close_locked(gate, now=now, early=False)
    return close_if_settled(gate, now=now)


def close_due_gates(*, now: datetime | None = None) -> list[int]:
    """Close every gate past its deadline; each in its own transaction. Returns the ids closed."""
    now = now or timezone.now()
    closed = []
    for gate_id in Gate.objects.due(now).values_list("pk", flat=True):
        try:
            if close_gate(gate_id=gate_id, now=now) is not None:
                closed.append(gate_id)
        except Exception:
            # One gate that cannot close must not hold every other gate open; the next
            # minute's sweep tries it again.
            logger.exception("Could not close gate %s", gate_id)
    return closed


def close_if_settled_after_leaving(project_ids: Iterable[int]) -> None:
    """Someone stopped being able to vote mid-vote (left, moved to a non-voting role, or their
    account was switched off): close any open vote in their projects whose outcome that
    settles, because they were the last one missing or a quorum is now out of reach.

    After the commit, in a transaction of its own, so the leaving never waits on a gate lock
    held by a voter; should this fail, the deadline still closes the gate.
    """
    open_gates = Gate.objects.open().filter(project_id__in=list(project_ids))

    def close_now() -> None:
        for gate_id in open_gates.values_list("pk", flat=True):
            try:
                close_gate(gate_id=gate_id)
            except Exception:
                logger.exception("Could not close gate %s early", gate_id)

    transaction.on_commit(close_now)


def member_stopped_voting(membership: Membership, **_: Any) -> None:
    """Receiver for `signals.stopped_voting`."""
    close_if_settled_after_leaving([membership.project_id])


def account_switched_off(instance: User, **_: Any) -> None:
    """Receiver for the User post_save: a switched-off account no longer votes, so its open
    votes may be settled now rather than at their deadline."""
    if not instance.is_active:
        close_if_settled_after_leaving(
            Membership.objects.active().filter(user=instance).values_list("project_id", flat=True)
        )
