"""The reminder sweep: find what is due now and queue it in the outbox.

Due times live in the database (a gate's closes_at, an invitation's sent_at, a gate's
closed_at), so nothing waits on the broker with a long countdown. Each reminder has an
occasion such as "gate:12:closing:24h"; the outbox's unique key means a sweep that runs twice,
or two sweeps that overlap, queue each reminder once. The sweep works out every reminder
first and queues them all in one call, so its cost does not grow with each invitation.

A reminder whose moment passed while no sweep ran is not sent late: when a gate is already
inside its last 24 hours, only the 24-hour reminder goes, never a stale 48-hour one.

An activity's reminder is tied to its start time: if the activity moves, the members are
reminded again for the new time, once.

Later apps add their own reminders with `register(source)` from their AppConfig.ready():
a source takes the sweep's `now` and returns the unsaved messages due, inside the sweep's
transaction (evaluation's survey reminders).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coproduce.models import User
from projects.models import Gate, Membership, Role, Stage

from ..models import Activity, Answer, Invitation, MessageKind, OutboxMessage, Reply
from . import outbox
from .notify import invitee_messages, user_messages
from .preferences import preferences_for

# now -> the unsaved reminder messages due then; called inside the sweep's transaction.
ReminderSource = Callable[[datetime], list[OutboxMessage]]

_sources: list[ReminderSource] = []


def register(source: ReminderSource) -> None:
    """Add a later app's reminders to the sweep (once, however often it is registered)."""
    if source not in _sources:
        _sources.append(source)


def queue_due_reminders(*, now: datetime | None = None) -> list[OutboxMessage]:
    """Queue every reminder that is due and not yet queued; return the new messages."""
    now = now or timezone.now()
    with transaction.atomic():
        return outbox.queue(
            [
                *_voting_closing(now),
                *_invitations_unanswered(now),
                *_signoffs_waiting(now),
                *_activities_soon(now),
                *(message for source in _sources for message in source(now)),
            ]
        )


def _latest_passed(elapsed: timedelta, marks: list[timedelta]) -> timedelta | None:
    """The last mark already reached: after 11 days, of (3 days, 10 days), that is 10 days."""
    reached = [mark for mark in marks if elapsed >= mark]
    return max(reached) if reached else None


def _voting_closing(now: datetime) -> list[OutboxMessage]:
    """Who could vote was fixed when voting opened (the gate's electorate): someone who has
    joined since, or now has a role that does not vote, is not asked to vote."""
    hours = sorted(settings.GATE_REMINDER_HOURS)
    if not hours:
        return []
    due: list[OutboxMessage] = []
    soon = Gate.objects.open().filter(
        closes_at__gt=now, closes_at__lte=now + timedelta(hours=hours[-1])
    )
    for gate in soon.select_related("project"):
        if gate.closes_at is None or gate.opened_at is None:
            continue  # an open gate always has both; this only tells the type checker
        left = gate.closes_at - now
        # The nearest mark the gate is inside of, if the gate was already open at that mark;
        # so a gate opened for 30 hours never gets a "48 hours left" reminder, and one opened
        # for exactly 48 hours does not get it on top of "voting has opened".
        mark = next((h for h in hours if left <= timedelta(hours=h)), None)
        if mark is None or gate.closes_at - timedelta(hours=mark) <= gate.opened_at:
            continue
        due += user_messages(
            kind=MessageKind.VOTING_CLOSING,
            occasion=f"gate:{gate.pk}:closing:{mark}h",
            project=gate.project,
            users=User.objects.filter(
                pk__in=[int(user_id) for user_id in gate.electorate],
                memberships__in=Membership.objects.voting().filter(project_id=gate.project_id),
            ).exclude(votes__gate=gate),
            data={"gate": gate.pk, "hours": mark},
        )
    return due


def _invitations_unanswered(now: datetime) -> list[OutboxMessage]:
    marks = [timedelta(days=d) for d in settings.INVITATION_REMINDER_DAYS]
    if not marks:
        return []
    due: list[OutboxMessage] = []
    waiting = Invitation.objects.pending(now).filter(sent_at__lte=now - min(marks))
    for invitation in waiting:
        mark = _latest_passed(now - invitation.sent_at, marks)
        if mark is None:
            continue
        due += invitee_messages(
            invitation=invitation,
            kind=MessageKind.INVITATION_REMINDER,
            # Tied to the send: a resend starts the reminders again for the new link.
            occasion=f"invitation:{invitation.pk}:send:{invitation.send_count}:after:{mark.days}d",
        )
    return due


def _signoffs_waiting(now: datetime) -> list[OutboxMessage]:
    marks = [timedelta(days=d) for d in settings.SIGNOFF_REMINDER_DAYS]
    if not marks:
        return []
    due: list[OutboxMessage] = []
    waiting = Gate.objects.awaiting_signoff().filter(closed_at__lte=now - min(marks))
    for gate in waiting.select_related("project"):
        if gate.closed_at is None:
            continue  # a gate awaiting sign-off has always closed
        mark = _latest_passed(now - gate.closed_at, marks)
        if mark is None:
            continue
        due += user_messages(
            kind=MessageKind.SIGNOFF_REMINDER,
            occasion=f"gate:{gate.pk}:signoff-reminder:{mark.days}d",
            project=gate.project,
            users=User.objects.filter(
                memberships__in=Membership.objects.taking_part().filter(
                    project_id=gate.project_id, role=Role.COMMISSIONER
                )
            ),
            data={"gate": gate.pk, "days": mark.days},
        )
    return due


def activity_occasion(activity: Activity) -> str:
    """The reminder's natural key: one per activity and start time."""
    return f"activity:{activity.pk}:starts:{activity.starts_at:%Y%m%dT%H%M%S}"


def _activities_soon(now: datetime) -> list[OutboxMessage]:
    """Every current member, by their chosen channel, except those who said they will not
    come, once per activity (per start time), in the hours before it starts; nobody for a
    cancelled activity. Four queries however many activities start soon."""
    hours = settings.ACTIVITY_REMINDER_HOURS
    if hours <= 0:
        return []
    soon = list(
        Activity.objects.going_ahead()
        .filter(starts_at__gt=now, starts_at__lte=now + timedelta(hours=hours))
        .exclude(project__stage=Stage.CLOSED)
        .select_related("project")
    )
    if not soon:
        return []
    members: dict[int, list[User]] = defaultdict(list)
    for membership in (
        Membership.objects.taking_part()
        .filter(project_id__in={a.project_id for a in soon})
        .select_related("user")
    ):
        members[membership.project_id].append(membership.user)
    not_coming = set(
        Reply.objects.filter(activity__in=soon, answer=Answer.NOT_COMING).values_list(
            "activity_id", "user_id"
        )
    )
    choices = preferences_for({u.pk for people in members.values() for u in people})
    due: list[OutboxMessage] = []
    for activity in soon:
        due += user_messages(
            kind=MessageKind.ACTIVITY_TOMORROW,
            occasion=activity_occasion(activity),
            project=activity.project,
            users=[
                user
                for user in members[activity.project_id]
                if (activity.pk, user.pk) not in not_coming
            ],
            data={"activity": activity.pk, "starts": activity.starts_at.isoformat()},
            choices=choices,
        )
    return due
