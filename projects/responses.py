"""How many of the things each group said in each stage have a recorded response.

Gate objections are counted here. Ideas, comments and concerns live in `participation`, and
dependencies point one way, so that app registers its sources from its AppConfig.ready() (as
`projects.evidence` does): one for these counts, one for the guard "objections answered".
Each source counts with one aggregate query for any number of projects: never row by row, so
the evaluation's indicators count a portfolio of projects as cheaply as one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext as _

from .models import BLOC_OF_ROLE, Bloc, Choice, GateStatus, Membership, Project, Stage, Vote

# A row of counts: (project id, stage, the writer's role in the project, how many, how many
# answered). The role is None for someone with no membership row.
Tally = tuple[int, str, str | None, int, int]

# project ids -> rows of counts for those projects
TallySource = Callable[[Sequence[int]], Iterable[Tally]]

# (project, stage) -> how many concerns or objections raised in that stage have no response
UnansweredSource = Callable[[Project, str], int]

_sources: list[TallySource] = []
_unanswered: list[UnansweredSource] = []


def register(source: TallySource) -> None:
    if source not in _sources:
        _sources.append(source)


def register_unanswered(source: UnansweredSource) -> None:
    if source not in _unanswered:
        _unanswered.append(source)


def unanswered_in_stage(project: Project, stage: str) -> int:
    """Concerns and objections raised in `stage` (outside a vote) still waiting for a
    response, for the guard "objections answered"."""
    return sum(source(project, stage) for source in _unanswered)


def member_role(project_field: str, user_field: str) -> Subquery:
    """The role in the project of the person in `user_field`, for an aggregate's GROUP BY.
    A member who left keeps their membership row, so what they said still counts for their
    group."""
    return Subquery(
        Membership.objects.filter(project=OuterRef(project_field), user=OuterRef(user_field))
        .order_by()
        .values("role")[:1]
    )


def objection_tallies(project_ids: Sequence[int]) -> Iterable[Tally]:
    """Objections to closed decisions, by the stage the decision was to leave. Objections to
    an open vote are left out: they can still change, and cannot be answered yet."""
    return (
        Vote.objects.filter(gate__project__in=project_ids, gate__status=GateStatus.CLOSED)
        .filter(choice=Choice.OBJECT)
        .annotate(role=member_role("gate__project", "voter"))
        .order_by()
        .values_list("gate__project_id", "gate__from_stage", "role")
        .annotate(total=Count("pk"), answered=Count("response"))
    )


def tallies(project_ids: Sequence[int]) -> list[Tally]:
    """Everything said in these projects that can get a response (objections to decisions,
    and every registered source's ideas, comments and concerns), counted by project, stage
    and the writer's role, with how many were answered: one query per source. A (project,
    stage, role) may appear once per source."""
    if not project_ids:
        return []
    rows: list[Tally] = []
    for source in (objection_tallies, *_sources):
        rows.extend(source(project_ids))
    return rows


@dataclass(frozen=True)
class GroupAnswered:
    bloc: Bloc
    answered: int
    total: int

    @property
    def summary(self) -> str:
        """E.g. "Experts by experience: 4 of 6 answered", or "Practitioners: nothing raised"
        when the group said nothing in the stage (never "0 of 0 answered")."""
        if not self.total:
            return _("%(group)s: nothing raised") % {"group": self.bloc.label}
        return _("%(group)s: %(answered)d of %(total)d answered") % {
            "group": self.bloc.label,
            "answered": self.answered,
            "total": self.total,
        }


@dataclass(frozen=True)
class StageAnswered:
    stage: Stage
    groups: list[GroupAnswered]


def answered_by_stage(project: Project) -> list[StageAnswered]:
    """In stage order, each stage where anything was said: each voting group's count (shown
    even at 0 of 0, so a silent group is visible), then commissioners' if they said anything.
    One query per source."""
    counts: dict[tuple[str, Bloc], tuple[int, int]] = {}
    for _project_id, stage, role, total, answered in tallies([project.pk]):
        key = (stage, BLOC_OF_ROLE.get(role or "", Bloc.NON_VOTING))
        before = counts.get(key, (0, 0))
        counts[key] = (before[0] + answered, before[1] + total)
    said_in = {stage for stage, _bloc in counts}
    return [
        StageAnswered(
            stage,
            [
                GroupAnswered(bloc, *counts.get((stage, bloc), (0, 0)))
                for bloc in Bloc
                if bloc != Bloc.NON_VOTING or (stage, bloc) in counts
            ],
        )
        for stage in Stage
        if stage in said_in
    ]
