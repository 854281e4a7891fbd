"""Experts by experience who joined after the stage's proposal was written: brought in to
vote on a decision they had no part in shaping."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce import dates
from projects.models import Gate, GateStatus, Project, Role, Stage

from .base import Flag


def late_joiners(projects: Sequence[Project]) -> dict[int, list[Flag]]:
    """A flag for each proposal (not withdrawn) that experts by experience joined the project
    after: after the proposal took its present wording (`Gate.proposed_at`) and before its
    vote closed, or by now while it is a draft or open (one query)."""
    proposed = Coalesce("revised_at", "created_at")
    settled = Coalesce("closed_at", Value(timezone.now()))
    rows = (
        Gate.objects.filter(project__in=[project.pk for project in projects])
        .exclude(status=GateStatus.WITHDRAWN)
        .annotate(
            proposed=proposed,
            late=Count(
                "project__memberships",
                filter=Q(
                    project__memberships__role=Role.EXPERT_BY_EXPERIENCE,
                    project__memberships__joined_at__gt=F("proposed"),
                    project__memberships__joined_at__lte=settled,
                ),
            ),
        )
        .filter(late__gt=0)
        .order_by("created_at", "pk")
        .values_list("project_id", "from_stage", "to_stage", "proposed", "late")
    )
    found: dict[int, list[Flag]] = {}
    for project_id, from_stage, to_stage, proposed_at, late in rows:
        found.setdefault(project_id, []).append(
            Flag(
                key="late-joiners",
                title=_("Experts by experience joined after the proposal"),
                explanation=ngettext(
                    "%(count)d expert by experience joined after the proposal to move from "
                    "%(from)s to %(to)s was written on %(day)s, so they had no say in it.",
                    "%(count)d experts by experience joined after the proposal to move from "
                    "%(from)s to %(to)s was written on %(day)s, so they had no say in it.",
                    late,
                )
                % {
                    "count": late,
                    "from": Stage(from_stage).label,
                    "to": Stage(to_stage).label,
                    "day": dates.day(proposed_at),
                },
                stage=from_stage,
            )
        )
    return found
