"""Reads for the project pages.

Each function runs a fixed number of queries however many projects, members, gates or events
there are, so the pages stay fast as projects grow. Grouping and labelling happen here rather
than in views or templates, which only display what they are given.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

from coproduce.models import User

from ..models import Bloc, Event, Gate, GateOutcome, Membership, Project, Role, Stage, Vote
from ..permissions import ProjectAccess
from ..responses import GroupAnswered, answered_by_stage
from .gates import blocking_among

HISTORY_PAGE_SIZE = 50
T = TypeVar("T")
# My projects shows this many projects a page, and this many of each kind of waiting item:
# a person in dozens of projects gets a page that loads as fast as anyone's.
PROJECTS_PAGE_SIZE = 20
NEEDS_SHOWN = 10

# The order groups are shown in; each is headed by its one name (`Bloc.label`).
BLOC_ORDER = [Bloc.LIVED, Bloc.LEARNED, Bloc.NON_VOTING]


# --- Dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardEntry:
    """One of the person's projects, with what is waiting for them in it."""

    membership: Membership
    votes_waiting: list[Gate]
    signoffs_waiting: list[Gate]
    drafts_waiting: list[Gate]

    @property
    def project(self) -> Project:
        return self.membership.project

    @property
    def needs_me(self) -> bool:
        return bool(self.votes_waiting or self.signoffs_waiting or self.drafts_waiting)


@dataclass(frozen=True)
class Dashboard:
    """My projects: what needs the person now across all their projects, then their projects,
    a page at a time, those that need them first.

    `votes`, `signoffs` and `drafts` gather every project's waiting items (each gate knows its
    project), soonest deadline first for votes, so the page can start with them; the page
    shows the first NEEDS_SHOWN of each and says how many more there are.
    """

    entries: list[DashboardEntry]
    page: Page[DashboardEntry]

    @property
    def votes(self) -> list[Gate]:
        """Decisions the person can still vote on, the one closing soonest first."""
        return sorted(
            (g for e in self.entries for g in e.votes_waiting), key=lambda g: (g.closes_at, g.pk)
        )

    @property
    def signoffs(self) -> list[Gate]:
        """Passed decisions waiting for this commissioner's sign-off."""
        return [g for e in self.entries for g in e.signoffs_waiting]

    @property
    def drafts(self) -> list[Gate]:
        """Proposals in projects the person co-leads, not yet open for votes."""
        return [g for e in self.entries for g in e.drafts_waiting]

    @property
    def needs_me(self) -> bool:
        return any(e.needs_me for e in self.entries)

    @cached_property
    def lists(self) -> dict[str, Shown[Gate]]:
        """Each waiting list cut to what the page shows: "votes", "signoffs", "drafts"."""
        return {
            "votes": Shown.first(self.votes),
            "signoffs": Shown.first(self.signoffs),
            "drafts": Shown.first(self.drafts),
        }


@dataclass(frozen=True)
class Shown(Generic[T]):
    """The first `limit` items of a list, and how many more there are: how My projects keeps
    each of its lists short for someone in dozens of projects."""

    items: list[T]
    more: int

    @property
    def total(self) -> int:
        return len(self.items) + self.more

    @classmethod
    def first(cls, items: list[T], limit: int = NEEDS_SHOWN) -> Shown[T]:
        return cls(items=items[:limit], more=max(len(items) - limit, 0))

    @classmethod
    def first_of(cls, rows: QuerySet[Any], limit: int = NEEDS_SHOWN) -> Shown[Any]:
        """The first `limit` rows of an ordered query and how many more, in one query: a
        window counts the whole list before it is cut, so the rest are never loaded."""
        found = list(rows.annotate(whole_list=Window(Count("pk")))[:limit])
        total = found[0].whole_list if found else 0
        return cls(items=found, more=total - len(found))


def _by_project(gates: list[Gate], memberships: list[Membership]) -> dict[int, list[Gate]]:
    """Gates grouped by project, each given the project already loaded with the memberships,
    so naming the project on the page costs no further query."""
    projects = {m.project_id: m.project for m in memberships}
    grouped: dict[int, list[Gate]] = {}
    for gate in gates:
        gate.project = projects[gate.project_id]
        grouped.setdefault(gate.project_id, []).append(gate)
    return grouped


def dashboard(user: User, page_number: str | int | None = None) -> Dashboard:
    """The person's current projects and what waits for them in each: votes they can still
    cast, sign-offs (commissioners), drafts to open (co-leads). Four queries whatever the
    number of projects or gates; `page_number` picks the page of PROJECTS_PAGE_SIZE projects
    (an out-of-range or malformed number gives the nearest page)."""
    memberships = list(
        Membership.objects.taking_part()
        .filter(user=user)
        .select_related("project")
        .order_by("project__title", "project_id")
    )
    voting_in = [m.project_id for m in memberships if m.can_vote]
    signing_in = [m.project_id for m in memberships if m.role == Role.COMMISSIONER]
    leading = [m.project_id for m in memberships if m.is_co_lead]
    votes = _by_project(
        [
            gate
            for gate in Gate.objects.open()
            .filter(project_id__in=voting_in)
            .exclude(votes__voter=user)
            .order_by("closes_at", "pk")
            # Someone who joined after voting opened has no vote on that decision.
            if gate.in_electorate(user.pk)
        ],
        memberships,
    )
    signoffs = _by_project(
        list(
            Gate.objects.awaiting_signoff()
            .filter(project_id__in=signing_in)
            .order_by("closed_at", "pk")
        ),
        memberships,
    )
    drafts = _by_project(
        list(Gate.objects.drafts().filter(project_id__in=leading).order_by("created_at", "pk")),
        memberships,
    )
    entries = [
        DashboardEntry(
            membership=m,
            votes_waiting=votes.get(m.project_id, []),
            signoffs_waiting=signoffs.get(m.project_id, []),
            drafts_waiting=drafts.get(m.project_id, []),
        )
        for m in memberships
    ]
    # Projects that need the person come first, each group in title order (a stable sort).
    ordered = sorted(entries, key=lambda entry: not entry.needs_me)
    page = Paginator(ordered, PROJECTS_PAGE_SIZE).get_page(page_number)
    return Dashboard(entries=entries, page=page)


# --- Members --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlocMembers:
    bloc: Bloc
    members: list[Membership]

    @property
    def heading(self) -> str:
        """The group's one name: "Experts by experience", "Practitioners", "Commissioners"."""
        return str(self.bloc.label)

    @property
    def counted(self) -> int:
        """How many count towards the group, as the decision rules count them: an account
        that is switched off is listed, marked, but not counted."""
        return sum(1 for m in self.members if m.takes_part)


def current_members(project: Project) -> list[Membership]:
    """Current members with their accounts, co-leads first, then by name; those whose account
    is switched off are included (the pages mark them) but never counted."""
    return list(
        Membership.objects.active()
        .filter(project=project)
        .select_related("user")
        .order_by("-is_co_lead", "user__display_name", "user__email")
    )


def members_by_bloc(project: Project) -> list[BlocMembers]:
    """Current members grouped as experts by experience, practitioners, commissioners."""
    members = current_members(project)
    return [
        BlocMembers(bloc=bloc, members=[m for m in members if m.bloc == bloc])
        for bloc in BLOC_ORDER
    ]


def sole_co_lead(members: list[Membership]) -> int | None:
    """The user id of the project's only co-lead who can act, when there is just one: they can
    neither step down, nor leave, nor be removed (`services.last_co_lead_refusal`)."""
    co_leads = [m.user_id for m in members if m.is_co_lead and m.takes_part]
    return co_leads[0] if len(co_leads) == 1 else None


def may_leave(access: ProjectAccess) -> bool:
    """Any current member may leave, but a closed project is a read-only record."""
    return not access.project.is_closed


def former_membership(user: User, slug: str) -> Membership | None:
    """The person's membership of this project if they have left it (a second press of
    "leave" finds this rather than a page they can no longer open)."""
    return (
        Membership.objects.filter(project__slug=slug, user=user, left_at__isnull=False)
        .select_related("project")
        .first()
    )


# --- Stage timeline -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineGate:
    gate: Gate
    outcome: GateOutcome


@dataclass(frozen=True)
class TimelineStep:
    stage: Stage
    is_current: bool
    is_past: bool
    gates: list[TimelineGate]
    # "Experts by experience: 4 of 6 answered", per group; empty when nothing was said.
    answered: list[GroupAnswered] = field(default_factory=list)


def stage_steps(project: Project) -> list[TimelineStep]:
    """The five stages in order, each with the decisions proposed for leaving it (one query);
    `timeline` adds what was said in each and answered."""
    gates = list(
        Gate.objects.filter(project=project).select_related("signoff").order_by("created_at", "pk")
    )
    stages = list(Stage)
    current = stages.index(project.stage_enum)
    return [
        TimelineStep(
            stage=stage,
            is_current=index == current,
            is_past=index < current,
            gates=[TimelineGate(g, g.outcome) for g in gates if g.from_stage == stage],
        )
        for index, stage in enumerate(stages)
    ]


def timeline(project: Project) -> list[TimelineStep]:
    """`stage_steps`, each with how many of the things each group said in it have a
    response."""
    answered = {row.stage: row.groups for row in answered_by_stage(project)}
    return [replace(step, answered=answered.get(step.stage, [])) for step in stage_steps(project)]


@dataclass(frozen=True)
class VoteCall:
    """The open vote as the project page shows it to the reader: "Vote now" when they can vote
    and have not, "Change my vote" when they have, a plain link to the decision otherwise."""

    gate: Gate
    may_vote: bool
    my_vote: Vote | None


def vote_call(access: ProjectAccess, steps: list[TimelineStep]) -> VoteCall | None:
    """The project's open vote, found in the timeline already read, with the reader's own vote
    if they may vote on it (one query, and none when no vote is open); None when no vote is
    open."""
    gate = next((item.gate for step in steps for item in step.gates if item.gate.is_open), None)
    if gate is None:
        return None
    gate.project = access.project  # its links need the project's address: no second read
    may_vote = access.may_vote_on(gate)
    mine = (
        Vote.objects.filter(gate=gate, voter_id=access.membership.user_id).first()
        if may_vote
        else None
    )
    return VoteCall(gate=gate, may_vote=may_vote, my_vote=mine)


def blocking_in(steps: list[TimelineStep]) -> Gate | None:
    """The decision in the timeline that stops a new proposal, without another query."""
    return blocking_among(item.gate for step in steps for item in step.gates)


# --- Voting locks ---------------------------------------------------------------------------


def open_vote_electorate(
    project: Project, members: list[Membership]
) -> tuple[Gate | None, set[int]]:
    """The open vote, if any, and which of `members` could vote on it: while it is open their
    role cannot change and they cannot be removed (`services.memberships.voting_refusal`
    asks the same question). One query."""
    gate = Gate.objects.open_vote(project.pk)
    if gate is None:
        return None, set()
    return gate, {m.user_id for m in members if gate.in_electorate(m.user_id)}


# --- History --------------------------------------------------------------------------------


def history_page(project: Project, number: str | None) -> Page[Event]:
    """One page of the event log, newest first; an out-of-range page number shows the last."""
    events = Event.objects.filter(project=project).select_related("actor").order_by("-at", "-pk")
    return Paginator(events, HISTORY_PAGE_SIZE).get_page(number)
