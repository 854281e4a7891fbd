"""Planning activities, members' replies and adjustments, and attendance recorded afterwards.

Every function is safe to call twice (a double tap, a retry on a slow phone, two tabs): the
same activity planned again within a minute is the first one; a reply, an adjustment or an
attendance record sent again unchanged records and logs nothing. The project (or activity) row
is locked first, so two simultaneous sends wait for each other rather than both pass a check.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, NotRequired, TypedDict, Unpack

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce import limits
from coproduce.dates import moment
from coproduce.models import User
from projects.models import EventKind, Membership, Project
from projects.services import ProjectError, log_event
from projects.services.gates import Help

from ..models import (
    Activity,
    ActivityKind,
    Adjustment,
    Answer,
    Attendance,
    MessageKind,
    Presence,
    Reply,
)
from . import outbox, payments
from .notify import notify_users


def _open_project(project: Project) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.is_closed:
        raise ProjectError(_("This project is closed, so it can no longer be changed."))
    return project


def _going_ahead(activity: Activity) -> Activity:
    """The activity read afresh and locked; refuses one that has been cancelled."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.is_cancelled:
        raise ProjectError(_("This activity is cancelled, so nothing about it can be changed."))
    return activity


class ActivityDetails(TypedDict):
    """What a co-lead or practitioner fills in when planning or changing an activity."""

    kind: ActivityKind | str
    title: str
    starts_at: datetime
    duration_minutes: int
    place: NotRequired[str]
    video_link: NotRequired[str]
    preparation_minutes: NotRequired[int]
    follow_up_minutes: NotRequired[int]
    papers_sent_on: NotRequired[date | None]


@transaction.atomic
def plan_activity(*, project: Project, actor: User, **details: Unpack[ActivityDetails]) -> Activity:
    """Plan an activity in the project's current stage. The same title at the same time sent
    again within a minute (a double tap) returns the first. Raises ProjectError when the
    project is closed or the activity has neither a title, nor a place or a video link."""
    project = _open_project(project)
    fields = _checked(details)
    same = Activity.objects.filter(
        project=project,
        title=fields["title"],
        starts_at=fields["starts_at"],
        created_at__gte=timezone.now() - limits.RESUBMIT_WINDOW,
    ).first()
    if same is not None:
        return same
    activity = Activity.objects.create(
        project=project, stage=project.stage, created_by=actor, **fields
    )
    log_event(
        project=project,
        kind=EventKind.ACTIVITY_CREATED,
        actor=actor,
        summary=_("%(name)s planned %(title)s on %(when)s.")
        % {"name": actor, "title": activity.title, "when": moment(activity.starts_at)},
        data={"activity": activity.pk},
    )
    return activity


@transaction.atomic
def change_activity(
    *, activity: Activity, actor: User, **details: Unpack[ActivityDetails]
) -> Activity:
    """Change an activity's details (its stage stays the one it was planned in). Sending the
    same details again changes and logs nothing. Raises ProjectError as `plan_activity`."""
    _open_project(activity.project)
    activity = _going_ahead(activity)
    fields = _checked(details)
    changed = [name for name, value in fields.items() if getattr(activity, name) != value]
    if not changed:
        return activity
    for name in changed:
        setattr(activity, name, fields[name])
    activity.save(update_fields=changed)
    log_event(
        project=activity.project,
        kind=EventKind.ACTIVITY_CHANGED,
        actor=actor,
        summary=_("%(name)s changed %(title)s.") % {"name": actor, "title": activity.title},
        data={"activity": activity.pk, "changed": changed},
    )
    return activity


@transaction.atomic
def cancel_activity(*, activity: Activity, actor: User, reason: str = "") -> Activity:
    """Call off an activity that has not started. Members who said they are coming or are
    not sure are told, once each, by their chosen channel; the day-before reminder is not
    sent. Cancelling again (a double tap) changes, logs and sends nothing. Raises
    ProjectError once it has started (record who took part instead), when the project is
    closed, or for a reason that is too long."""
    limits.refuse_too_long(reason, limit=limits.CANCEL_REASON, error=ProjectError)
    project = _open_project(activity.project)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.is_cancelled:
        return activity
    if activity.has_started():
        raise ProjectError(
            _(
                "This activity has started, so it cannot be cancelled. "
                "Record who took part instead. If nobody came, mark everyone as not taking part."
            )
        )
    activity.cancelled_at, activity.cancelled_by = timezone.now(), actor
    activity.cancel_reason = reason.strip()
    activity.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    log_event(
        project=project,
        kind=EventKind.ACTIVITY_CANCELLED,
        actor=actor,
        summary=_("%(name)s cancelled %(title)s, planned for %(when)s.")
        % {"name": actor, "title": activity.title, "when": moment(activity.starts_at)},
        data={"activity": activity.pk},
    )
    told = notify_users(
        kind=MessageKind.ACTIVITY_CANCELLED,
        occasion=f"activity:{activity.pk}:cancelled",
        project=project,
        users=User.objects.filter(
            activity_replies__activity=activity,
            activity_replies__answer__in=[Answer.COMING, Answer.NOT_SURE],
            memberships__in=Membership.objects.taking_part().filter(project=project),
        ).distinct(),
        data={"activity": activity.pk},
    )
    outbox.send_after_commit(told)
    return activity


def _checked(details: ActivityDetails) -> dict[str, Any]:
    """Every field, with defaults filled in and text trimmed; refuses what cannot be saved."""
    title = details["title"].strip()
    place = details.get("place", "").strip()
    link = details.get("video_link", "").strip()
    limits.refuse_not_one_line(title, error=ProjectError)
    limits.refuse_not_one_line(place, error=ProjectError)
    if not title:
        raise ProjectError(_("Enter a title for the activity."))
    if not place and not link:
        raise ProjectError(_("Enter where it happens, or a video call link, or both."))
    return {
        "kind": ActivityKind(details["kind"]),
        "title": title,
        "starts_at": details["starts_at"],
        "duration_minutes": details["duration_minutes"],
        "place": place,
        "video_link": link,
        "preparation_minutes": details.get("preparation_minutes", 0),
        "follow_up_minutes": details.get("follow_up_minutes", 0),
        "papers_sent_on": details.get("papers_sent_on"),
    }


@transaction.atomic
def reply(
    *, activity: Activity, user: User, answer: Answer | str, helped: Help | None = None
) -> Reply:
    """Record (or change) whether `user` will come, themselves or with help (`helped`). A
    reply the member sends themselves is theirs again, no longer marked as made with help.
    Raises ProjectError once it has started or when it is cancelled."""
    _open_project(activity.project)
    activity = _going_ahead(activity)
    if activity.has_started():
        raise ProjectError(_("This activity has started, so replies are closed."))
    answer = Answer(answer)
    recorded_by = helped.helper if helped else None
    confirmed = helped.confirmed if helped else None
    found, _created = Reply.objects.get_or_create(
        activity=activity,
        user=user,
        defaults={"answer": answer, "recorded_by": recorded_by, "confirmed": confirmed},
    )
    if (found.answer, found.recorded_by_id, found.confirmed) != (
        answer,
        recorded_by.pk if recorded_by else None,
        confirmed,
    ):
        found.answer, found.at = answer, timezone.now()
        found.recorded_by, found.confirmed = recorded_by, confirmed
        found.save(update_fields=["answer", "at", "recorded_by", "confirmed"])
    return found


@transaction.atomic
def ask_for_adjustment(*, activity: Activity, user: User, need: str) -> Adjustment:
    """Record (or change) what `user` needs to take part. A changed need is asked afresh, so
    whether it was provided is cleared. Raises ProjectError for an empty or too long need."""
    limits.refuse_too_long(need, limit=limits.ADJUSTMENT, error=ProjectError)
    need = need.strip()
    if not need:
        raise ProjectError(_("Write what you need."))
    _open_project(activity.project)
    _going_ahead(activity)
    adjustment = Adjustment.objects.select_for_update().filter(activity=activity, user=user).first()
    if adjustment is None:
        return Adjustment.objects.create(activity=activity, user=user, need=need)
    if adjustment.need != need:
        adjustment.need, adjustment.asked_at = need, timezone.now()
        adjustment.provided = None
        adjustment.provided_recorded_by = None
        adjustment.provided_recorded_at = None
        adjustment.save()
    return adjustment


@transaction.atomic
def record_adjustment(*, adjustment: Adjustment, actor: User, provided: bool) -> Adjustment:
    """A co-lead records whether an adjustment was provided. The same answer again does
    nothing."""
    _open_project(adjustment.activity.project)
    adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
    if adjustment.provided is provided:
        return adjustment
    adjustment.provided = provided
    adjustment.provided_recorded_by, adjustment.provided_recorded_at = actor, timezone.now()
    adjustment.save(update_fields=["provided", "provided_recorded_by", "provided_recorded_at"])
    return adjustment


def attendance_roll(activity: Activity) -> list[Membership]:
    """Who can be marked as taking part: the project's current members, and anyone already
    recorded who has left since (their record stays), co-leads first."""
    recorded = Attendance.objects.filter(activity=activity).values("user_id")
    return list(
        Membership.objects.filter(project_id=activity.project_id)
        .filter(Q(left_at__isnull=True, user__is_active=True) | Q(user_id__in=recorded))
        .select_related("user")
        .order_by("role", "user__display_name", "user_id")
    )


@transaction.atomic
def record_attendance(
    *, activity: Activity, actor: User, presence: Mapping[int, Presence | str]
) -> list[Attendance]:
    """Record who took part (`presence`: user id → attended or absent), after the activity
    has started. Only members of the project can be recorded. Rows that already say the same
    are left alone; when nothing changed, nothing is logged. Experts by experience who took
    part are then owed a payment, and one changed to absent loses a payment still due
    (`payments.work_out_payments`). Returns the changed rows.
    Raises ProjectError before the activity starts, when it is cancelled, or for someone not
    in the project."""
    project = _open_project(activity.project)
    activity = _going_ahead(activity)
    if not activity.has_started():
        raise ProjectError(_("You can record who took part once the activity has started."))
    members = set(
        Membership.objects.filter(project=project, user_id__in=list(presence)).values_list(
            "user_id", flat=True
        )
    )
    if set(presence) - members:
        raise ProjectError(_("Only members of the project can be recorded."))
    existing = {row.user_id: row for row in Attendance.objects.filter(activity=activity)}
    now = timezone.now()
    changed: list[Attendance] = []
    for user_id, value in presence.items():
        value = Presence(value)
        row = existing.get(user_id)
        if row is None:
            row = Attendance(activity=activity, user_id=user_id, presence=value)
        elif row.presence == value:
            continue
        row.presence, row.recorded_by, row.recorded_at = value, actor, now
        row.save()
        changed.append(row)
    if changed:
        took_part = Attendance.objects.filter(activity=activity, presence=Presence.ATTENDED).count()
        log_event(
            project=project,
            kind=EventKind.ATTENDANCE_RECORDED,
            actor=actor,
            summary=ngettext(
                "%(name)s recorded attendance at %(title)s: %(n)d person took part.",
                "%(name)s recorded attendance at %(title)s: %(n)d people took part.",
                took_part,
            )
            % {"name": actor, "title": activity.title, "n": took_part},
            data={"activity": activity.pk, "attended": [r.user_id for r in changed if r.attended]},
        )
        payments.work_out_payments(project=project, activity_id=activity.pk)
    return changed
