"""What participation tells the projects app (registered in ParticipationConfig.ready): who
took part in a stage and which concerns wait for a response, for the gate guards, and how
many contributions have a response."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from projects.evidence import AttendedActivity
from projects.models import Project
from projects.responses import Tally, member_role

from .models import Activity, Attendance, Contribution, ContributionKind, Presence


def stage_contributors(project: Project, stage: str, before: datetime) -> set[int]:
    """Members who added an idea, comment or objection in `stage` before `before`."""
    return set(
        Contribution.objects.filter(project=project, stage=stage, created_at__lt=before)
        .values_list("author_id", flat=True)
        # Without order_by(), the model's ordering joins the DISTINCT: one row per idea.
        .order_by()
        .distinct()
    )


def contribution_tallies(project_ids: Sequence[int]) -> Iterable[Tally]:
    """Ideas, comments and concerns by project, stage and the writer's role, with how many
    have a response (one aggregate query for any number of projects; registered with
    `projects.responses`)."""
    return (
        Contribution.objects.filter(project__in=project_ids)
        .annotate(role=member_role("project", "author"))
        .order_by()
        .values_list("project_id", "stage", "role")
        .annotate(total=Count("pk"), answered=Count("response"))
    )


def unanswered_concerns(project: Project, stage: str) -> int:
    """Concerns and objections written in `stage` that have no response yet (registered with
    `projects.responses` for the guard "objections answered")."""
    return Contribution.objects.filter(
        project=project, stage=stage, kind=ContributionKind.OBJECTION, response__isnull=True
    ).count()


def stage_attendees(project: Project, stage: str, before: datetime) -> set[int]:
    """Members who took part (`AttendanceQuerySet.took_part`: not in a cancelled activity) in
    an activity of `stage` that started before `before`."""
    return set(
        Attendance.objects.took_part()
        .filter(activity__project=project, activity__stage=stage, activity__starts_at__lt=before)
        .values_list("user_id", flat=True)
        .order_by()
        .distinct()
    )


def stage_attendance(project: Project, stage: str) -> list[AttendedActivity]:
    """The stage's activities that have started and who took part in each (two queries).
    A cancelled activity never took place, so it is left out."""
    activities = list(
        Activity.objects.filter(project=project, stage=stage)
        .going_ahead()
        .past(timezone.now())
        .reverse()
    )
    attended: dict[int, set[int]] = {activity.pk: set() for activity in activities}
    for activity_id, user_id in Attendance.objects.filter(
        activity__in=activities, presence=Presence.ATTENDED
    ).values_list("activity_id", "user_id"):
        attended[activity_id].add(user_id)
    return [
        AttendedActivity(
            title=activity.title,
            starts_at=activity.starts_at,
            attended=frozenset(attended[activity.pk]),
        )
        for activity in activities
    ]
