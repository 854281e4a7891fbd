"""Stage decisions in every state, their votes, sign-offs and answers to objections.

Each stage a project has left was left by a vote that passed (and, where the project needs
it, a commissioner's assurance), sometimes after one that failed or was withdrawn. The stage
it is in now may have a decision in progress or one that ended without moving it on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from coproduce.loading import Plan

from ..decision import Decision
from ..models import (
    QUORUM_UNREACHABLE,
    Bloc,
    Choice,
    EventKind,
    Gate,
    GateStatus,
    ObjectionResponse,
    Project,
    ResponseOutcome,
    SignOff,
    Stage,
    Vote,
    VoteChannel,
)
from ..services.closing import results_json
from .ballots import Aim, decided
from .shape import STAGES, History, LoadedProject, Member

GUARDS = [
    {"code": "bloc_size", "message": "Each group has at least 2 people who can vote."},
    {
        "code": "lived_participation",
        "message": "Experts by experience took part in this stage before the proposal.",
    },
    {
        "code": "objections_answered",
        "message": "No objection or concern is waiting for a response.",
    },
]
OBJECTIONS = [
    "The hours do not work for people who sign on in the morning.",
    "We have not heard from anyone who used the service last winter.",
    "The budget leaves nothing for peer support workers.",
    "It is too soon: the last changes have not settled in yet.",
]
REASONS = ["This is what we asked for.", "Good, as long as we keep checking how it goes."]
# What the current stage's decision is doing, and how often.
NOW = [
    ("none", 0.3),
    ("draft", 0.15),
    ("open", 0.25),
    ("failed", 0.12),
    ("awaiting", 0.08),
    ("not_assured", 0.05),
    ("not_decided", 0.05),
]


@dataclass
class Made:
    """One gate with what hangs off it, saved in bulk once every gate is planned."""

    loaded: LoadedProject
    gate: Gate
    votes: list[Vote] = field(default_factory=list)
    signoff: SignOff | None = None
    answers: list[ObjectionResponse] = field(default_factory=list)


def _gate(lp: LoadedProject, from_stage: Stage, drafted: datetime) -> Gate:
    project = lp.project
    return Gate(
        project=project,
        from_stage=from_stage,
        to_stage=STAGES[STAGES.index(from_stage) + 1],
        proposal=f"Move on to {STAGES[STAGES.index(from_stage) + 1].label.lower()}.",
        what_changes="What we agreed in this stage is what the next stage starts from.",
        proposed_by=lp.lead,
        created_at=drafted,
    )


def _open(lp: LoadedProject, gate: Gate, opened: datetime) -> list[Member]:
    project: Project = lp.project
    electorate = lp.voters_at(opened)
    gate.status, gate.opened_at = GateStatus.OPEN, opened
    gate.closes_at = opened + timedelta(hours=project.voting_window_hours)
    gate.guard_results = GUARDS
    gate.electorate = {str(m.user.pk): m.bloc.value for m in electorate}
    gate.rule = project.rule_settings()
    gate.signoff_required = project.signoff_required_leaving(gate.from_stage)
    return electorate


def _vote(plan: Plan, made: Made, member: Member, choice: Choice, until: datetime) -> None:
    gate = made.gate
    assert gate.opened_at is not None  # noqa: S101 - _open set it
    cast = plan.between(gate.opened_at, until - timedelta(minutes=1))
    lived = member.bloc == Bloc.LIVED
    channel = plan.pick(
        [(VoteChannel.WEB, 0.7), (VoteChannel.TEXT, 0.18), (VoteChannel.ASSISTED, 0.12)]
        if lived
        else [(VoteChannel.WEB, 0.95), (VoteChannel.TEXT, 0.05)]
    )
    reason = ""
    if choice == Choice.OBJECT:
        reason = plan.rng.choice(OBJECTIONS)
    elif choice == Choice.APPROVE and plan.chance(0.2):
        reason = plan.rng.choice(REASONS)
    assisted = channel == VoteChannel.ASSISTED
    made.votes.append(
        Vote(
            gate=gate,
            voter=member.user,
            choice=choice,
            reason=reason,
            cast_at=cast,
            changed_at=plan.between(cast, until) if plan.chance(0.1) else cast,
            channel=channel,
            recorded_by=made.loaded.lead if assisted else None,
            confirmed=plan.chance(0.8) if assisted else None,
        )
    )


def _vote_on(
    plan: Plan, made: Made, aim: Aim, closed: datetime, *, not_decided: bool = False
) -> Decision:
    """Votes from the electorate aiming at `aim`; closes the gate with what they decide."""
    gate, lp = made.gate, made.loaded
    assert gate.opened_at is not None  # noqa: S101 - _open set it
    electorate = _open(lp, gate, gate.opened_at)
    sizes = {
        bloc: sum(1 for m in electorate if m.bloc == bloc) for bloc in (Bloc.LIVED, Bloc.LEARNED)
    }
    can_vote = [m for m in electorate if m.member_at(closed)]
    voters = {bloc: [i for i, m in enumerate(can_vote) if m.bloc == bloc] for bloc in sizes}
    bloc_of = {i: m.bloc for i, m in enumerate(can_vote)}
    rule = Project.rule_from(gate.rule)
    choices, decision = decided(plan, rule, voters, bloc_of, sizes, aim)
    for index, choice in choices.items():
        _vote(plan, made, can_vote[index], choice, closed)
    gate.status, gate.closed_at = GateStatus.CLOSED, closed
    gate.passed, gate.reason = decision.passed, decision.reason.value
    unreachable = None
    if not_decided and not decision.passed:
        # Too few left in a group to reach its quorum: closed early, not decided.
        unreachable = Bloc.LEARNED if decision.reason == "no_quorum_learned" else Bloc.LIVED
        gate.passed, gate.reason = False, QUORUM_UNREACHABLE
    early = gate.closes_at is not None and closed < gate.closes_at
    gate.results = results_json(decision, early=early, unreachable=unreachable)
    gate.signoff_required = decision.passed and gate.signoff_required
    return decision


def _closed(
    plan: Plan,
    lp: LoadedProject,
    stage: Stage,
    closed: datetime,
    aim: Aim,
    *,
    not_decided: bool = False,
) -> Made:
    opened = closed - timedelta(hours=lp.project.voting_window_hours)
    if not_decided:
        opened += timedelta(hours=plan.rng.randint(1, 20))
    gate = _gate(lp, stage, opened - timedelta(hours=plan.rng.randint(12, 96)))
    gate.opened_at = opened
    made = Made(lp, gate)
    _vote_on(plan, made, aim, closed, not_decided=not_decided)
    return made


def _signoff(plan: Plan, made: Made, at: datetime, *, assured: bool) -> None:
    commissioners = [m for m in made.loaded.at(at) if m.bloc == Bloc.NON_VOTING]
    made.signoff = SignOff(
        gate=made.gate,
        commissioner=plan.rng.choice(commissioners).user if commissioners else None,
        assured=assured,
        reasons=(
            "Both groups shaped the proposal; the evidence pack shows it."
            if assured
            else "Experts by experience were told, not asked: the activity record shows it."
        ),
        at=at,
    )


def _answer_objections(plan: Plan, made: Made, *, share: float) -> None:
    assert made.gate.closed_at is not None  # noqa: S101 - a closed gate
    for vote in made.votes:
        if vote.choice == Choice.OBJECT and plan.chance(share):
            made.answers.append(
                ObjectionResponse(
                    objection=vote,
                    outcome=plan.rng.choice([o for o in ResponseOutcome if o]),
                    body="We talked it through at the next meeting and changed the plan.",
                    responder=made.loaded.lead,
                    at=made.gate.closed_at + timedelta(hours=plan.rng.randint(2, 48)),
                )
            )


def _left_stages(plan: Plan, lp: LoadedProject) -> list[Made]:
    """The decisions that moved the project on, and the failed tries before some of them."""
    made: list[Made] = []
    stages = list(lp.stage_starts)
    starts = list(lp.stage_starts.values())
    for stage, start, end in zip(stages, starts, starts[1:], strict=False):
        lp.stage_ends[stage] = end
        if plan.chance(0.2):
            closed = start + timedelta(days=plan.rng.randint(12, 20))
            aim = plan.pick([(Aim.REJECT, 0.6), (Aim.NO_QUORUM, 0.4)])
            made.append(_closed(plan, lp, stage, closed, aim))
        elif plan.chance(0.1):
            withdrawn = _gate(lp, stage, start + timedelta(days=plan.rng.randint(6, 12)))
            withdrawn.status = GateStatus.WITHDRAWN
            withdrawn.closed_at = withdrawn.created_at + timedelta(days=2)
            made.append(Made(lp, withdrawn))
        needs_signoff = lp.project.signoff_required_leaving(stage)
        closed = end - timedelta(days=plan.rng.randint(2, 5)) if needs_signoff else end
        passing = _closed(plan, lp, stage, closed, Aim.AGREE)
        if needs_signoff:
            _signoff(plan, passing, end, assured=True)
        made.append(passing)
    for one in made:
        _answer_objections(plan, one, share=1.0)
    return made


def _current(plan: Plan, lp: LoadedProject) -> Made | None:
    """The decision in the stage the project is in now, if any."""
    stage = list(lp.stage_starts)[-1]
    if stage == Stage.CLOSED:
        return None
    state = plan.pick(NOW)
    if state in ("awaiting", "not_assured") and not lp.project.signoff_required_leaving(stage):
        state = "open"
    now = plan.now
    if state == "none":
        return None
    if state == "draft":
        return Made(lp, _gate(lp, stage, now - timedelta(hours=plan.rng.randint(2, 120))))
    if state == "open":
        hours = lp.project.voting_window_hours
        opened = now - timedelta(hours=plan.rng.randint(1, hours - 12))
        gate = _gate(lp, stage, opened - timedelta(hours=plan.rng.randint(12, 72)))
        made = Made(lp, gate)
        can_vote = [m for m in _open(lp, gate, opened) if m.member_at(now)]
        # Some have voted; at least one has not, or the vote would have closed already.
        waiting = plan.rng.choice(can_vote)
        for member in can_vote:
            if member is not waiting and plan.chance(0.5):
                _vote(plan, made, member, plan.pick([(c, 1.0) for c in Choice]), now)
        return made
    closed = now - timedelta(days=plan.rng.randint(1, 5))
    failing = plan.pick([(Aim.REJECT, 0.6), (Aim.NO_QUORUM, 0.4)])
    aim = {"failed": failing, "not_decided": Aim.NO_QUORUM}.get(state, Aim.AGREE)
    made = _closed(plan, lp, stage, closed, aim, not_decided=state == "not_decided")
    if state == "not_assured" and made.gate.passed:
        _signoff(plan, made, closed + timedelta(hours=plan.rng.randint(2, 20)), assured=False)
    _answer_objections(plan, made, share=0.5)
    return made


def load_gates(plan: Plan, loaded_projects: list[LoadedProject], history: History) -> list[Made]:
    gates: list[Made] = []
    for lp in plan.progress(loaded_projects, "decisions and votes"):
        gates += _left_stages(plan, lp)
        current = _current(plan, lp)
        if current is not None:
            gates.append(current)
    plan.save(Gate, [m.gate for m in gates], "decisions")
    plan.save(Vote, [v for m in gates for v in m.votes])
    plan.save(SignOff, [m.signoff for m in gates if m.signoff is not None], "sign-offs")
    plan.save(ObjectionResponse, [a for m in gates for a in m.answers], "answers to objections")
    for made in gates:
        _log(made, history)
    for lp in loaded_projects:
        for stage, end in lp.stage_ends.items():
            to = STAGES[STAGES.index(stage) + 1]
            history.add(
                lp,
                EventKind.STAGE_CHANGED,
                end,
                f"Stage changed from {stage.label} to {to.label}: both groups agreed.",
                data={"from": str(stage.label), "to": to.value},
            )
    return gates


CAST_BY = {
    VoteChannel.WEB: "{name} voted.",
    VoteChannel.TEXT: "{name} voted by text message.",
    VoteChannel.ASSISTED: "{name} voted, with help from {helper}.",
}
OUTCOME_WORDS = {
    "passed": "Passed: both groups agreed.",
    QUORUM_UNREACHABLE: "Not decided: too few people left to reach the quorum.",
}


def _log(made: Made, history: History) -> None:
    """The events the gate services log, at the moments the loaded rows say."""
    gate, lp = made.gate, made.loaded
    to = Stage(gate.to_stage).label
    log = history.add
    data = {"gate": gate.pk}
    log(
        lp,
        EventKind.GATE_DRAFTED,
        gate.created_at,
        f"{lp.lead} proposed moving to {to}.",
        actor=lp.lead,
        data=data,
    )
    if gate.status == GateStatus.WITHDRAWN and gate.closed_at is not None:
        log(
            lp,
            EventKind.GATE_WITHDRAWN,
            gate.closed_at,
            f"{lp.lead} withdrew the proposal to move to {to} before voting.",
            actor=lp.lead,
            data=data,
        )
    if gate.opened_at is None or gate.closes_at is None:
        return
    log(
        lp,
        EventKind.GATE_OPENED,
        gate.opened_at,
        f"Voting opened on moving to {to}; it closes {gate.closes_at:%-d %B %Y at %H:%M}.",
        actor=lp.lead,
        data={**data, "closes_at": gate.closes_at.isoformat()},
    )
    for vote in made.votes:
        helped = {"helper": lp.lead.pk, "confirmed": vote.confirmed} if vote.assisted else {}
        log(
            lp,
            EventKind.VOTE_CAST,
            vote.cast_at,
            CAST_BY[VoteChannel(vote.channel)].format(name=vote.voter, helper=lp.lead),
            actor=vote.voter,
            data={
                **data,
                "bloc": gate.electorate[str(vote.voter.pk)],
                "channel": vote.channel,
                **helped,
            },
        )
    if gate.closed_at is not None:
        words = OUTCOME_WORDS.get(gate.reason, "Not passed: the vote did not carry.")
        log(
            lp,
            EventKind.GATE_CLOSED,
            gate.closed_at,
            words,
            data={**data, "passed": gate.passed, "reason": gate.reason},
        )
    if made.signoff is not None:
        signoff = made.signoff
        words = (
            "assured that the co-production was genuine."
            if signoff.assured
            else (f"could not assure the co-production: {signoff.reasons}")
        )
        log(
            lp,
            EventKind.SIGNED_OFF,
            signoff.at,
            f"{signoff.commissioner} {words}",
            actor=signoff.commissioner,
            data={**data, "assured": signoff.assured},
        )
    for answer in made.answers:
        log(
            lp,
            EventKind.RESPONSE_RECORDED,
            answer.at,
            f"{lp.lead} responded to an objection ({answer.get_outcome_display().lower()}).",
            actor=lp.lead,
            data={
                "vote": answer.objection.pk,
                "updated": False,
                "outcome": answer.outcome,
                "version": 1,
            },
        )
