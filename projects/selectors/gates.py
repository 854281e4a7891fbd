"""What members and a commissioner read about a decision, from what the gate services stored:
objections with their responses, the evidence pack for sign-off, and the outcome in words.

Reading only: every change to a decision goes through `projects.services.gates`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import evidence
from ..decision import Reason, RuleKind
from ..models import (
    IN_PROGRESS,
    Bloc,
    Choice,
    Event,
    Gate,
    GateOutcome,
    Membership,
    Project,
    Role,
    Vote,
    VoteChannel,
)


def awaits_signoff(gate: Gate) -> bool:
    return gate.outcome == GateOutcome.AWAITING_SIGNOFF


# Outcomes that stop a new proposal: one decision at a time, and none past a sign-off.
BLOCKING_OUTCOMES = frozenset({GateOutcome.DRAFT, GateOutcome.OPEN, GateOutcome.AWAITING_SIGNOFF})


def blocking_among(gates: Iterable[Gate]) -> Gate | None:
    """`blocking_gate` for gates already loaded (with their sign-off), without a query."""
    return next((gate for gate in gates if gate.outcome in BLOCKING_OUTCOMES), None)


def blocking_gate(project: Project) -> Gate | None:
    """The decision that stops a new proposal, if any: one in progress (a draft or an open
    vote), or a passed one waiting for a commissioner's sign-off."""
    return (
        Gate.objects.filter(project=project)
        .filter(Q(status__in=IN_PROGRESS) | Q(pk__in=Gate.objects.awaiting_signoff().values("pk")))
        .order_by("-created_at", "-pk")
        .first()
    )


def waits_for_a_commissioner(gate: Gate) -> bool:
    """Waiting for a sign-off that nobody in the project can give now: its commissioner left.
    It waits, visibly, for the next commissioner a co-lead invites."""
    return (
        awaits_signoff(gate)
        and not Membership.objects.taking_part()
        .filter(project_id=gate.project_id, role=Role.COMMISSIONER)
        .exists()
    )


def objections(gate: Gate) -> list[Vote]:
    """Objections with their reasons and responses: shown to every member once voting closed."""
    if not gate.is_closed:
        return []
    return list(
        gate.votes.filter(choice=Choice.OBJECT)
        .select_related("voter", "recorded_by", "response__responder")
        .order_by("cast_at")
    )


@dataclass(frozen=True)
class BlocEvidence:
    bloc: Bloc
    members: list[Membership]  # switched-off accounts included, and marked on the page
    counted: int  # counted as the guards count: members whose account is in use
    took_part: int


@dataclass(frozen=True)
class ActivityEvidence:
    """One activity of the stage: how many from each group took part."""

    title: str
    starts_at: datetime
    lived: int
    learned: int
    others: int  # commissioners, and anyone no longer in the project


@dataclass(frozen=True)
class EvidencePack:
    """What a commissioner reviews before assuring that co-production was genuine."""

    blocs: list[BlocEvidence]
    commissioners: list[Membership]
    results: dict[str, Any]
    objections: list[Vote]
    guards: list[dict[str, str]]
    events: list[Event]  # the latest EVIDENCE_EVENTS of the stage, oldest first
    events_total: int  # how many the stage has in all
    unquoted: frozenset[int]  # voters who asked not to be quoted: their reasons are left out
    activities: list[ActivityEvidence]
    channels: VoteChannels


# The evidence pack lists the stage's latest events; the project's history has them all.
EVIDENCE_EVENTS = 50


def _stage_events(gate: Gate) -> dict[str, Any]:
    """The stage's latest EVIDENCE_EVENTS events, oldest first, and how many it has in all (a
    second query only when there are more). The summary names whoever acted, so the actor's
    row is not loaded."""
    stage = Event.objects.filter(project_id=gate.project_id, stage=gate.from_stage)
    latest = list(stage.only("at", "summary").order_by("-at", "-pk")[:EVIDENCE_EVENTS])
    total = stage.count() if len(latest) == EVIDENCE_EVENTS else len(latest)
    return {"events": latest[::-1], "events_total": total}


def evidence_pack(gate: Gate) -> EvidencePack:
    memberships = list(
        Membership.objects.active()
        .filter(project_id=gate.project_id)
        .select_related("user")
        .order_by("-is_co_lead", "user__display_name", "user__email")
    )
    participants = evidence.participants(gate.project, gate.from_stage, gate.proposed_at)
    blocs = [
        BlocEvidence(
            bloc=bloc,
            members=[m for m in memberships if m.bloc == bloc],
            counted=sum(1 for m in memberships if m.bloc == bloc and m.takes_part),
            took_part=sum(
                1
                for m in memberships
                if m.bloc == bloc and m.takes_part and m.user_id in participants
            ),
        )
        for bloc in (Bloc.LIVED, Bloc.LEARNED)
    ]
    gate_objections = objections(gate)
    return EvidencePack(
        blocs=blocs,
        commissioners=[m for m in memberships if m.bloc == Bloc.NON_VOTING],
        results=gate.results,
        objections=gate_objections,
        unquoted=frozenset(evidence.not_to_quote({vote.voter_id for vote in gate_objections})),
        guards=gate.guard_results,
        **_stage_events(gate),
        activities=_activities(gate, memberships),
        channels=vote_channels(gate),
    )


def _activities(gate: Gate, memberships: list[Membership]) -> list[ActivityEvidence]:
    """Attendance per group at each activity of the stage, counted by each person's group
    now; someone who has left counts under "others"."""
    bloc_of = {m.user_id: m.bloc for m in memberships}
    rows = []
    for activity in evidence.attendance(gate.project, gate.from_stage):
        blocs = [bloc_of.get(user_id) for user_id in activity.attended]
        lived, learned = blocs.count(Bloc.LIVED), blocs.count(Bloc.LEARNED)
        rows.append(
            ActivityEvidence(
                title=activity.title,
                starts_at=activity.starts_at,
                lived=lived,
                learned=learned,
                others=len(blocs) - lived - learned,
            )
        )
    return rows


@dataclass(frozen=True)
class VoteChannels:
    """How a decision's votes reached the platform. Counts only, never choices, so it can be
    shown while voting is open without giving away which way it is going."""

    total: int
    by_text: int
    assisted: int  # recorded with help by a practitioner or co-lead
    confirmed: int  # of the assisted ones, those the member confirmed with a code

    def describe(self) -> str:
        """'3 of the 10 votes came by text message; 2 were recorded with help (1 of them
        confirmed by the member)', or nothing when no vote has been cast."""
        if not self.total:
            return ""
        by_text = ngettext(
            "%(text)d of the %(total)d vote came by text message",
            "%(text)d of the %(total)d votes came by text message",
            self.total,
        ) % {"text": self.by_text, "total": self.total}
        assisted = ngettext(
            "%(assisted)d was recorded with help (%(confirmed)d of them confirmed by the member)",
            "%(assisted)d were recorded with help (%(confirmed)d of them confirmed by the member)",
            self.assisted,
        ) % {"assisted": self.assisted, "confirmed": self.confirmed}
        return _("%(by_text)s; %(assisted)s.") % {"by_text": by_text, "assisted": assisted}


def vote_channels(gate: Gate) -> VoteChannels:
    """The decision's votes counted by how they came, in one query whatever their number."""
    assisted = Q(channel=VoteChannel.ASSISTED)
    counts = Vote.objects.filter(gate=gate).aggregate(
        total=Count("pk"),
        by_text=Count("pk", filter=Q(channel=VoteChannel.TEXT)),
        assisted=Count("pk", filter=assisted),
        confirmed=Count("pk", filter=assisted & Q(confirmed=True)),
    )
    return VoteChannels(**counts)


# --- Words ----------------------------------------------------------------------------------

BLOC_NAMES = {
    "lived": gettext_lazy("experts by experience"),
    "learned": gettext_lazy("practitioners"),
}


def describe_outcome(gate: Gate) -> str:
    """The decision in plain words, as every member sees it after close, sign-off included."""
    outcome = gate.outcome
    if outcome in (GateOutcome.DRAFT, GateOutcome.OPEN):
        return ""
    if outcome == GateOutcome.WITHDRAWN:
        return _("Withdrawn before voting. A new decision can be proposed.")
    if outcome == GateOutcome.NOT_DECIDED:
        return _describe_not_decided(gate)
    if outcome == GateOutcome.NOT_PASSED:
        return _describe_failure(gate)
    vote = _describe_pass(gate)
    if outcome == GateOutcome.AWAITING_SIGNOFF:
        return _("%(vote)s Waiting for a commissioner to sign off.") % {"vote": vote}
    if outcome == GateOutcome.NOT_ASSURED:
        return _(
            "%(vote)s A commissioner was not assured the work was truly done together, so the "
            "project stays in this stage."
        ) % {"vote": vote}
    if gate.signoff_required:
        return _("%(vote)s A commissioner signed off.") % {"vote": vote}
    return vote


def _describe_pass(gate: Gate) -> str:
    rule = gate.results.get("rule")
    if rule == RuleKind.PARITY_WEIGHTED:
        return _("Passed: with each group counting for half, more than half approved overall.")
    if rule == RuleKind.CONSENT:
        return _("Passed: nobody objected, and both groups approved.")
    return _("Passed: a majority of both experts by experience and practitioners approved.")


def _describe_failure(gate: Gate) -> str:
    reason = Reason(gate.reason)
    if reason in (Reason.NO_QUORUM_LIVED, Reason.NO_QUORUM_LEARNED):
        bloc = "lived" if reason == Reason.NO_QUORUM_LIVED else "learned"
        return _("Not passed: not enough %(group)s voted (%(cast)d of %(needed)d needed).") % {
            "group": BLOC_NAMES[bloc],
            "cast": gate.results[bloc]["votes_cast"],
            "needed": gate.results[bloc]["quorum_needed"],
        }
    if reason == Reason.OBJECTION:
        return _("Not passed: this project decides by consent, and someone objected.")
    bloc = "lived" if reason == Reason.REJECTED_BY_LIVED else "learned"
    if gate.results.get("rule") == RuleKind.PARITY_WEIGHTED:
        # Under this rule the two groups' support is averaged, so a group may have approved
        # in part: name the group whose support was lower, and give the figure.
        return _(
            "Not passed: with each group counting for half, not more than half approved "
            "overall. The lower support was from %(group)s: %(percent)d%% of those who voted "
            "approved."
        ) % {
            "group": BLOC_NAMES[bloc],
            "percent": round(100 * gate.results[bloc]["approval_share"]),
        }
    return _("Not passed: %(group)s did not approve.") % {"group": BLOC_NAMES[bloc]}


def _describe_not_decided(gate: Gate) -> str:
    bloc = gate.results.get("quorum_unreachable") or "lived"
    needed = int(gate.results.get(bloc, {}).get("quorum_needed", 0))
    return ngettext(
        "Not decided: too few people left to reach the quorum. %(group)s needed %(needed)d "
        "vote, and too few who could still vote remained. This is not a rejection: a new "
        "decision can be proposed.",
        "Not decided: too few people left to reach the quorum. %(group)s needed %(needed)d "
        "votes, and too few who could still vote remained. This is not a rejection: a new "
        "decision can be proposed.",
        needed,
    ) % {"group": str(BLOC_NAMES[bloc]).capitalize(), "needed": needed}
