"""Stage gates: propose, revise, withdraw, open, vote and sign off, with equal rights for both
blocs. Closing, and reading the votes, live in `projects.services.closing`.

Every function here is one atomic change. Voting and closing both lock the gate row, so a
vote either lands before the close (and is counted) or sees the gate closed (and is refused
with a message); nothing is silently dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coproduce import dates, limits
from coproduce.models import User

from .. import signals
from ..models import (
    MIN_VOTING_WINDOW_HOURS,
    Choice,
    EventKind,
    Gate,
    GateStatus,
    Membership,
    ObjectionResponse,
    Project,
    ResponseOutcome,
    Role,
    SignOff,
    Stage,
    Vote,
    VoteChannel,
)
from .closing import close_if_settled, electorate_now, lock_gate, past_deadline
from .errors import ProjectError
from .guards import check_guards
from .history import log_event
from .memberships import lock_memberships
from .projects import change_stage
from .responses import clean_response, log_response, record_response

logger = logging.getLogger(__name__)

# Said on the gate page instead of a voting form, and if such a vote is sent anyway.
JOINED_AFTER_OPENING = gettext_lazy(
    "You could not vote on this decision when voting opened (you joined, or took a voting "
    "role, after that), so it is for the people who could vote then. You can vote on the next "
    "decision."
)


class GateError(ProjectError):
    """A gate action that was refused; the message is plain English for the person who asked."""


# --- Lifecycle --------------------------------------------------------------------------------


@transaction.atomic
def draft_gate(*, project: Project, actor: User, proposal: str, what_changes: str) -> Gate:
    """A co-lead proposes moving the project to its next stage.

    Sending the same proposal twice (a double tap, a retry on a slow phone) returns the draft
    the first one made, and logs nothing more. Raises GateError when the project is closed,
    another decision is in progress or waiting for sign-off, or the text is too long.
    """
    _refuse_long_proposal(proposal, what_changes)
    project = Project.objects.select_for_update().get(pk=project.pk)
    proposal, what_changes = proposal.strip(), what_changes.strip()
    next_stage = project.stage_enum.next
    if next_stage is None:
        raise GateError(_("This project is closed, so there is no next stage to decide on."))
    in_progress = Gate.objects.in_progress().filter(project=project).first()
    if in_progress is not None:
        if (
            in_progress.is_draft
            and in_progress.proposed_by_id == actor.pk
            and (in_progress.proposal, in_progress.what_changes) == (proposal, what_changes)
        ):
            return in_progress
        raise GateError(_("There is already a decision in progress for this project."))
    if Gate.objects.awaiting_signoff().filter(project=project).exists():
        raise GateError(
            _(
                "The last decision is waiting for a commissioner's sign-off. "
                "Propose the next one after that."
            )
        )
    gate = Gate.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=next_stage,
        proposal=proposal,
        what_changes=what_changes,
        proposed_by=actor,
    )
    log_event(
        project=project,
        kind=EventKind.GATE_DRAFTED,
        actor=actor,
        summary=_("%(name)s proposed moving to %(stage)s.")
        % {"name": actor, "stage": next_stage.label},
        data={"gate": gate.pk},
    )
    return gate


@transaction.atomic
def update_draft(
    *, gate: Gate, actor: User, proposal: str, what_changes: str, now: datetime | None = None
) -> Gate:
    """Change a draft's wording. A change counts as proposing it afresh: the check that experts
    by experience took part "before the proposal" then counts from now. Sending the same words
    again changes and logs nothing. Raises GateError once voting has started, or when the text
    is too long."""
    _refuse_long_proposal(proposal, what_changes)
    gate = lock_gate(gate.pk)
    if not gate.is_draft:
        raise GateError(_("Voting has started, so the proposal can no longer be changed."))
    proposal, what_changes = proposal.strip(), what_changes.strip()
    if (gate.proposal, gate.what_changes) == (proposal, what_changes):
        return gate
    gate.proposal, gate.what_changes = proposal, what_changes
    gate.revised_at = now or timezone.now()
    gate.save(update_fields=["proposal", "what_changes", "revised_at"])
    _log_draft_change(
        gate,
        EventKind.GATE_REVISED,
        actor,
        _("%(name)s changed the proposal to move to %(stage)s."),
    )
    return gate


@transaction.atomic
def withdraw_gate(*, gate: Gate, actor: User, now: datetime | None = None) -> Gate:
    """Withdraw a draft that has not gone to a vote, so a new decision can be proposed.

    Withdrawing twice is harmless. Raises GateError once voting has started: an open vote runs
    to its end, so nobody can stop a vote that is going the other way.
    """
    gate = lock_gate(gate.pk)
    if gate.is_withdrawn:
        return gate
    if not gate.is_draft:
        raise GateError(_("Voting has started, so this proposal can no longer be withdrawn."))
    gate.status, gate.closed_at = GateStatus.WITHDRAWN, now or timezone.now()
    gate.save(update_fields=["status", "closed_at"])
    _log_draft_change(
        gate,
        EventKind.GATE_WITHDRAWN,
        actor,
        _("%(name)s withdrew the proposal to move to %(stage)s before voting."),
    )
    return gate


def _log_draft_change(gate: Gate, kind: EventKind, actor: User, summary: str) -> None:
    """Log a change to a draft; `summary` names the actor and the stage it proposes."""
    log_event(
        project=gate.project,
        kind=kind,
        actor=actor,
        summary=summary % {"name": actor, "stage": gate.get_to_stage_display()},
        data={"gate": gate.pk},
    )


def _refuse_long_proposal(proposal: str, what_changes: str) -> None:
    limits.refuse_too_long(proposal, limit=limits.PROPOSAL, error=GateError)
    limits.refuse_too_long(what_changes, limit=limits.WHAT_CHANGES, error=GateError)


@transaction.atomic
def open_gate(
    *, gate: Gate, actor: User, window_hours: int | None = None, now: datetime | None = None
) -> Gate:
    """Open voting, after the tokenism guards pass. Refusals name every guard that failed.

    Opening an open vote again (a double tap) returns it unchanged.
    """
    gate = lock_gate(gate.pk)
    if gate.is_open:
        return gate
    if not gate.is_draft:
        raise GateError(_("This decision is already closed or withdrawn."))
    # Who may vote is read under the same lock that removals take (see lock_memberships).
    lock_memberships(gate.project_id)
    guards = check_guards(gate)
    failures = [g.message for g in guards if not g.passed]
    if failures:
        raise GateError(" ".join([_("Voting cannot open yet."), *failures]))
    hours = window_hours or gate.project.voting_window_hours
    if hours < MIN_VOTING_WINDOW_HOURS:
        raise GateError(
            ngettext(
                "Voting must stay open for at least %(n)d hour so everyone can take part.",
                "Voting must stay open for at least %(n)d hours so everyone can take part.",
                MIN_VOTING_WINDOW_HOURS,
            )
            % {"n": MIN_VOTING_WINDOW_HOURS}
        )
    if gate.project.stage != gate.from_stage:
        raise GateError(_("The project has moved on since this was proposed."))
    now = now or timezone.now()
    gate.status, gate.opened_at = GateStatus.OPEN, now
    gate.closes_at = now + timedelta(hours=hours)
    gate.guard_results = [{"code": g.code, "message": g.message} for g in guards]
    gate.electorate = electorate_now(gate.project_id)
    gate.rule = gate.project.rule_settings()
    # Fixed now, like the rule: ticking "sign-off on every decision" mid-vote changes the next
    # decision, not this one. At the close it stays true only if the decision passed.
    gate.signoff_required = gate.project.signoff_required_leaving(gate.from_stage)
    gate.save(
        update_fields=[
            "status",
            "opened_at",
            "closes_at",
            "guard_results",
            "electorate",
            "rule",
            "signoff_required",
        ]
    )
    log_event(
        project=gate.project,
        kind=EventKind.GATE_OPENED,
        actor=actor,
        summary=_("Voting opened on moving to %(stage)s; it closes %(when)s.")
        % {
            "stage": gate.get_to_stage_display(),
            "when": dates.moment(gate.closes_at),
        },
        data={"gate": gate.pk, "closes_at": gate.closes_at.isoformat()},
    )
    signals.gate_opened.send(sender=Gate, gate=gate, actor=actor)
    return gate


@dataclass(frozen=True)
class Help:
    """Who recorded a vote on the member's behalf, and whether the member confirmed it
    (False: they have no phone or email to confirm it with)."""

    helper: User
    confirmed: bool


# How the history names each way a vote came, without its direction.
_CAST_BY = {
    VoteChannel.WEB: gettext_lazy("%(name)s voted."),
    VoteChannel.TEXT: gettext_lazy("%(name)s voted by text message."),
    VoteChannel.ASSISTED: gettext_lazy("%(name)s voted, with help from %(helper)s."),
}
_CHANGED_BY = {
    VoteChannel.WEB: gettext_lazy("%(name)s changed their vote."),
    VoteChannel.TEXT: gettext_lazy("%(name)s changed their vote by text message."),
    # The same words as a first vote: the person helping must not learn from the history
    # whether the member had voted before.
    VoteChannel.ASSISTED: _CAST_BY[VoteChannel.ASSISTED],
}


def cast_vote(
    *,
    gate: Gate,
    voter: User,
    choice: Choice | str,
    reason: str = "",
    now: datetime | None = None,
    channel: VoteChannel = VoteChannel.WEB,
    helped: Help | None = None,
) -> Vote:
    """Record or change a member's vote while the gate is open, online, by text message
    (`channel`), or recorded with help (`helped`, which sets the channel to ASSISTED).

    A vote that reaches the gate after it closed is refused with a message: it is never
    counted late and never dropped without telling the voter. Raises GateError.
    """
    limits.refuse_too_long(reason, limit=limits.VOTE_REASON, error=GateError)
    choice = Choice(choice)
    reason = reason.strip()
    if choice == Choice.OBJECT and not limits.has_words(reason):
        raise GateError(_("Please say why you object. Your reason helps everyone respond."))
    if helped is not None:
        channel = VoteChannel.ASSISTED

    def cast() -> Vote:
        return _cast_vote(
            gate_id=gate.pk,
            voter=voter,
            choice=choice,
            reason=reason,
            now=now,
            channel=channel,
            helped=helped,
        )

    try:
        return cast()
    except IntegrityError:
        # Two first votes from the same person raced; the loser becomes a change of vote.
        return cast()


def _open_for(gate_id: int, voter: User, now: datetime) -> Gate:
    """The gate, locked, when `voter` may vote on it now; else GateError saying why not."""
    gate = lock_gate(gate_id)
    if gate.is_draft:
        raise GateError(_("Voting on this decision has not opened yet."))
    if not gate.is_open or past_deadline(gate, now):
        raise GateError(_("Voting on this decision has closed, so your vote was not recorded."))
    if not Membership.objects.voting().filter(project_id=gate.project_id, user=voter).exists():
        raise GateError(_("Only experts by experience and practitioners in this project can vote."))
    if not gate.in_electorate(voter.pk):
        raise GateError(str(JOINED_AFTER_OPENING))
    return gate


@transaction.atomic
def _cast_vote(
    *,
    gate_id: int,
    voter: User,
    choice: Choice,
    reason: str,
    now: datetime | None,
    channel: VoteChannel,
    helped: Help | None,
) -> Vote:
    now = now or timezone.now()
    gate = _open_for(gate_id, voter, now)
    recorded_by = helped.helper if helped else None
    confirmed = helped.confirmed if helped else None
    vote = Vote.objects.filter(gate=gate, voter=voter).first()
    if vote is not None and (vote.choice, vote.reason, vote.channel, vote.confirmed) == (
        choice,
        reason,
        channel,
        confirmed,
    ):
        # The same vote sent again (a double tap, a retry): nothing changed, nothing to record.
        return vote
    if vote is None:
        vote = Vote.objects.create(
            gate=gate,
            voter=voter,
            choice=choice,
            reason=reason,
            cast_at=now,
            changed_at=now,
            channel=channel,
            recorded_by=recorded_by,
            confirmed=confirmed,
        )
        kind, summary = EventKind.VOTE_CAST, _CAST_BY[channel]
    else:
        vote.choice, vote.reason, vote.changed_at = choice, reason, now
        vote.channel, vote.recorded_by, vote.confirmed = channel, recorded_by, confirmed
        vote.save(
            update_fields=["choice", "reason", "changed_at", "channel", "recorded_by", "confirmed"]
        )
        kind = EventKind.VOTE_CAST if helped else EventKind.VOTE_CHANGED
        summary = _CHANGED_BY[channel]
    data = {"gate": gate.pk, "bloc": gate.electorate[str(voter.pk)], "channel": channel.value}
    if helped is not None:
        data |= {"helper": helped.helper.pk, "confirmed": helped.confirmed}
    # The direction is deliberately left out of the log while voting is open.
    log_event(
        project=gate.project,
        kind=kind,
        actor=voter,
        summary=str(summary) % {"name": voter, "helper": recorded_by},
        data=data,
    )
    close_if_settled(gate, now=now)
    return vote


@transaction.atomic
def withdraw_vote(*, gate: Gate, voter: User, now: datetime | None = None) -> bool:
    """Take a member's vote back while voting is open, as if they had not voted.

    Returns False when there was no vote to take back (a double tap). Raises GateError once
    voting has closed.
    """
    now = now or timezone.now()
    gate = _open_for(gate.pk, voter, now)
    deleted, _counts = Vote.objects.filter(gate=gate, voter=voter).delete()
    if not deleted:
        return False
    log_event(
        project=gate.project,
        kind=EventKind.VOTE_WITHDRAWN,
        actor=voter,
        summary=_("%(name)s took their vote back.") % {"name": voter},
        data={"gate": gate.pk, "bloc": gate.electorate[str(voter.pk)]},
    )
    return True


# --- After the vote ----------------------------------------------------------------------------


@transaction.atomic
def record_signoff(*, gate: Gate, commissioner: User, assured: bool, reasons: str) -> SignOff:
    """A commissioner assures (or not) that the co-production behind a passed gate was genuine.

    Only an assured gate moves the stage on. Sign-off is only ever asked of a gate that passed,
    so it can never turn a failed vote into a pass.
    """
    limits.refuse_too_long(reasons, limit=limits.SIGNOFF_REASONS, error=GateError)
    gate = lock_gate(gate.pk)
    reasons = reasons.strip()
    if not limits.has_words(reasons):
        raise GateError(_("Please write your reasons. Every member will be able to read them."))
    if not (gate.is_closed and gate.passed and gate.signoff_required):
        raise GateError(_("This decision does not need a sign-off."))
    existing = SignOff.objects.filter(gate=gate).first()
    if existing is not None:
        if (existing.commissioner_id, existing.assured, existing.reasons) == (
            commissioner.pk,
            assured,
            reasons,
        ):
            return existing  # the same sign-off sent twice
        raise GateError(_("This decision has already been signed off."))
    if (
        not Membership.objects.taking_part()
        .filter(project_id=gate.project_id, user=commissioner, role=Role.COMMISSIONER)
        .exists()
    ):
        raise GateError(_("Only a commissioner in this project can sign off its decisions."))
    project = Project.objects.select_for_update().get(pk=gate.project_id)
    signoff = SignOff.objects.create(
        gate=gate, commissioner=commissioner, assured=assured, reasons=reasons
    )
    log_event(
        project=project,
        kind=EventKind.SIGNED_OFF,
        actor=commissioner,
        summary=(
            _("%(name)s assured that the co-production was genuine.")
            if assured
            else _("%(name)s could not assure the co-production: %(reasons)s")
        )
        % {"name": commissioner, "reasons": reasons},
        data={"gate": gate.pk, "assured": assured},
    )
    if assured and project.stage == gate.from_stage:
        change_stage(
            project=project,
            to=Stage(gate.to_stage),
            actor=commissioner,
            reason=_("both groups agreed and a commissioner signed off."),
        )
    signals.signoff_recorded.send(sender=Gate, gate=gate, signoff=signoff)
    return signoff


@transaction.atomic
def respond_to_objection(
    *, objection: Vote, actor: User, body: str, outcome: ResponseOutcome | str
) -> ObjectionResponse:
    """Record (or change) what was done about an objection to a closed decision, or why not.
    The same outcome and words again change nothing, log nothing and tell nobody. Raises
    GateError for an item that is not an objection to a closed decision, or bad input."""
    outcome, body = clean_response(outcome=outcome, body=body, error=GateError)
    # Locking the objection makes simultaneous sends of one response wait for each other, so
    # the second finds the first and records nothing.
    objection = (
        Vote.objects.select_for_update(of=("self",))
        .select_related("gate__project", "voter")
        .get(pk=objection.pk)
    )
    if objection.choice != Choice.OBJECT or not objection.gate.is_closed:
        raise GateError(_("Only objections to a closed decision can be answered here."))
    response = ObjectionResponse.objects.filter(objection=objection).first()
    if response is None:
        response = ObjectionResponse(objection=objection)
    if not record_response(response, outcome=outcome, body=body, responder=actor):
        return response  # the same response sent again: nothing new to record
    log_response(
        project=objection.gate.project,
        actor=actor,
        response=response,
        item={"vote": objection.pk},
        recorded=_("%(name)s responded to an objection by %(voter)s: %(outcome)s."),
        changed=_("%(name)s changed the response to an objection by %(voter)s: %(outcome)s."),
        words={"name": actor, "voter": objection.voter},
    )
    signals.objection_answered.send(sender=Vote, objection=objection, response=response)
    return response
