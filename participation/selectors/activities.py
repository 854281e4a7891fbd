"""What the activity pages show, in a fixed number of queries whatever the number of
activities or members."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from coproduce.models import User
from projects.dashboard import DashboardSection
from projects.models import Bloc, Membership
from projects.permissions import RECORD_ACTIVITIES, VIEW_ACCESS_NEEDS, ProjectAccess

from ..models import Activity, Adjustment, Answer, Attendance, Presence, Reply


def _with_counts(activities: Any) -> Any:
    return activities.annotate(
        coming=Count("replies", filter=Q(replies__answer=Answer.COMING), distinct=True),
        took_part=Count(
            "attendance", filter=Q(attendance__presence=Presence.ATTENDED), distinct=True
        ),
    )


def project_activities(access: ProjectAccess, past_limit: int) -> dict[str, Any]:
    """Upcoming activities (soonest first) and the latest `past_limit` past ones, each with
    how many said they are coming and how many took part, and my own reply to each."""
    now = timezone.now()
    rows = Activity.objects.filter(project=access.project)
    upcoming = list(_with_counts(rows.upcoming(now)))
    past = list(_with_counts(rows.past(now))[:past_limit])
    mine = dict(
        Reply.objects.filter(
            user_id=access.membership.user_id, activity_id__in=[a.pk for a in upcoming]
        ).values_list("activity_id", "answer")
    )
    for activity in past:
        activity.project = access.project
    for activity in upcoming:
        activity.project = access.project  # for its link, without a query each
        activity.my_answer = Answer(mine[activity.pk]).label if activity.pk in mine else ""
    return {"upcoming": upcoming, "past": past}


@dataclass(frozen=True)
class ActivityPage:
    my_reply: Reply | None
    my_adjustment: Adjustment | None
    replies: dict[str, int]  # answer → how many
    took_part: dict[Bloc, int]  # recorded as taking part, per group
    recorded: bool
    adjustments: list[Adjustment] = field(default_factory=list)  # only for co-leads
    # Replies recorded with help, with who helped: for those who plan activities and record
    # attendance, who see who is coming anyway.
    helped: list[Reply] = field(default_factory=list)


def activity_page(access: ProjectAccess, activity: Activity, user: User) -> ActivityPage:
    replies = dict(
        Reply.objects.filter(activity=activity)
        .values_list("answer")
        .annotate(n=Count("pk"))
        .values_list("answer", "n")
    )
    attended = set(Attendance.objects.filter(activity=activity).values_list("user_id", "presence"))
    roles = dict(
        Membership.objects.filter(
            project_id=activity.project_id, user_id__in={u for u, _p in attended}
        ).values_list("user_id", "role")
    )
    took_part = {Bloc.LIVED: 0, Bloc.LEARNED: 0, Bloc.NON_VOTING: 0}
    for user_id, presence in attended:
        if presence == Presence.ATTENDED and user_id in roles:
            took_part[Membership(role=roles[user_id]).bloc] += 1
    return ActivityPage(
        my_reply=Reply.objects.filter(activity=activity, user=user)
        .select_related("recorded_by")
        .first(),
        my_adjustment=Adjustment.objects.filter(activity=activity, user=user).first(),
        replies={answer: replies.get(answer, 0) for answer in Answer},
        took_part=took_part,
        recorded=bool(attended),
        adjustments=list(
            Adjustment.objects.filter(activity=activity)
            .select_related("user", "provided_recorded_by")
            .order_by("asked_at", "pk")
        )
        if access.can(VIEW_ACCESS_NEEDS)
        else [],
        helped=list(
            Reply.objects.filter(activity=activity, confirmed__isnull=False)
            .select_related("user", "recorded_by")
            .order_by("at", "pk")
        )
        if access.can(RECORD_ACTIVITIES)
        else [],
    )


def next_activities(user: User, limit: int = 5) -> list[Activity]:
    """The person's next activities across their current projects, soonest first, without
    those they said they will not come to and those cancelled."""
    return list(
        Activity.objects.upcoming()
        .going_ahead()
        .filter(
            project__memberships__user=user,
            project__memberships__left_at__isnull=True,
        )
        .exclude(replies__user=user, replies__answer=Answer.NOT_COMING)
        .select_related("project")[:limit]
    )


def dashboard_section(user: User) -> DashboardSection | None:
    """My projects: the person's next activities, when they have any (one query)."""
    upcoming = next_activities(user)
    if not upcoming:
        return None
    return DashboardSection("participation/activities/_dashboard.html", {"activities": upcoming})
