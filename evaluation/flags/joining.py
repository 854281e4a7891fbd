"""Experts by experience who joined after the stage's proposal was written: brought in to
vote on a decision they had no part in shaping.

When someone joined as an expert by experience is the first time the event log shows them
taking that role in the project: joining in it (`MEMBER_JOINED`) or being moved to it
(`ROLE_CHANGED`). `Membership.joined_at` is not used: it restarts when someone who left comes
back, so a long-standing member who rejoins would look new, and it does not move when someone
becomes an expert by experience later. A membership with no such event (made outside the
services) falls back on `joined_at`.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce import dates
from projects.models import Event, EventKind, Gate, GateStatus, Membership, Project, Role, Stage

from .base import Flag


def first_in_role(role: Role) -> Coalesce:
    """For a membership row: when the person first took `role` in the project, by the event
    log (joined in it, or moved to it), else when the membership began."""
    took_role = (
        Event.objects.filter(project=OuterRef("project"))
        .filter(
            Q(kind=EventKind.MEMBER_JOINED, data__role=role.value)
            | Q(kind=EventKind.ROLE_CHANGED, data__to=role.value)
        )
        .annotate(person=Cast(KT("data__user"), IntegerField()))
        .filter(person=OuterRef("user_id"))
        .order_by()
        .values("project")
        .annotate(first=Min("at"))
        .values("first")[:1]
    )
    return Coalesce(Subquery(took_role), "joined_at")


def late_joiners(projects: Sequence[Project]) -> dict[int, list[Flag]]:
    """A flag for each proposal (not withdrawn) that experts by experience joined the project
    after: first took that role (`first_in_role`) after the proposal took its present wording
    (`GateQuerySet.with_proposed_at`) and before its vote closed, or by now while it is a
    draft or open (one query). Members who have left since still count."""
    late = (
        Membership.objects.filter(project=OuterRef("project"), role=Role.EXPERT_BY_EXPERIENCE)
        .annotate(since=first_in_role(Role.EXPERT_BY_EXPERIENCE))
        .filter(since__gt=OuterRef("proposed"), since__lte=OuterRef("settled"))
        .order_by()
        .values("project")
        .annotate(count=Count("pk"))
        .values("count")[:1]
    )
    rows = (
        Gate.objects.filter(project__in=[project.pk for project in projects])
        .exclude(status=GateStatus.WITHDRAWN)
        .with_proposed_at()
        .annotate(settled=Coalesce("closed_at", Value(timezone.now())))
        .annotate(late=Coalesce(Subquery(late), 0))
        .filter(late__gt=0)
        .order_by("created_at", "pk")
        .values_list("project_id", "from_stage", "to_stage", "proposed", "late")
    )
    found: dict[int, list[Flag]] = {}
    for project_id, from_stage, to_stage, proposed_at, late_count in rows:
        found.setdefault(project_id, []).append(
            Flag(
                key="late-joiners",
                title=_("Experts by experience joined after the proposal"),
                explanation=ngettext(
                    "%(count)d expert by experience joined after the proposal to move from "
                    "%(from)s to %(to)s was written on %(day)s, so they had no say in it.",
                    "%(count)d experts by experience joined after the proposal to move from "
                    "%(from)s to %(to)s was written on %(day)s, so they had no say in it.",
                    late_count,
                )
                % {
                    "count": late_count,
                    "from": Stage(from_stage).label,
                    "to": Stage(to_stage).label,
                    "day": dates.day(proposed_at),
                },
                stage=from_stage,
            )
        )
    return found
