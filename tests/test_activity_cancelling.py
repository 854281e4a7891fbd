"""Cancelling an activity: the way out of a planned activity (before it starts only)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from participation.evidence import stage_attendance
from participation.models import Activity, MessageKind, NotificationPreference, OutboxMessage
from participation.services import activities
from participation.services.outbox import deliver
from participation.services.reminders import queue_due_reminders
from participation.tasks import send_reminders
from projects.models import Event, EventKind, Stage
from projects.services import ProjectError
from tests.participation_fixtures import use_locmem_sms
from tests.test_activities import FORM, plan, url

pytestmark = pytest.mark.django_db


def test_the_cancel_page_follows_the_access_trio(
    client: Client, project, practitioner, expert2, outsider, commissioner
):
    activity = plan(project, practitioner)
    client.force_login(outsider)
    assert client.get(url("cancel", activity)).status_code == 404
    assert client.post(url("cancel", activity), {"reason": ""}).status_code == 404
    for person in (expert2, commissioner):
        client.force_login(person)
        assert client.get(url("cancel", activity)).status_code == 403
        assert client.post(url("cancel", activity), {"reason": ""}).status_code == 403
    client.force_login(practitioner)
    assert client.get(url("cancel", activity)).status_code == 200
    activity.refresh_from_db()
    assert not activity.is_cancelled


def test_a_double_tap_cancels_once_logs_once_and_tells_each_member_once(
    client: Client, project, practitioner, expert, expert2, practitioner2, commissioner, settings
):
    texts = use_locmem_sms(settings)
    expert2.phone = "+447700900123"
    expert2.save()
    NotificationPreference.objects.create(user=expert2, channel="sms", activity_reminders=False)
    activity = plan(project, practitioner)
    activities.reply(activity=activity, user=expert2, answer="coming")
    activities.reply(activity=activity, user=practitioner2, answer="not_sure")
    activities.reply(activity=activity, user=commissioner, answer="not_coming")
    client.force_login(practitioner)
    data = {"reason": "The room is not free."}
    assert client.post(url("cancel", activity), data).status_code == 302
    assert client.post(url("cancel", activity), data).status_code == 302
    activity.refresh_from_db()
    assert activity.is_cancelled
    assert (activity.cancelled_by, activity.cancel_reason) == (
        practitioner,
        "The room is not free.",
    )
    assert Event.objects.filter(kind=EventKind.ACTIVITY_CANCELLED).count() == 1
    told = OutboxMessage.objects.filter(kind=MessageKind.ACTIVITY_CANCELLED)
    # Those who may come, by their channel, even with reminders switched off; not the rest.
    assert sorted(told.values_list("recipient", "channel")) == sorted(
        [(f"user:{expert2.pk}", "sms"), (f"user:{practitioner2.pk}", "email")]
    )
    for message in told:
        deliver(message.pk)
    assert len(texts) == 1
    assert "cancelled" in texts[0].body
    page = client.get(url("detail", activity)).content.decode()
    assert "This activity is cancelled" in page
    assert "The room is not free." in page


def test_a_started_activity_cannot_be_cancelled_and_the_page_says_what_to_do(
    client: Client, project, practitioner
):
    activity = plan(project, practitioner, starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ProjectError):
        activities.cancel_activity(activity=activity, actor=practitioner)
    client.force_login(practitioner)
    page = client.get(url("cancel", activity)).content.decode()
    assert "Record who took part instead" in page
    response = client.post(url("cancel", activity), {"reason": ""})
    assert response.status_code == 200
    assert "<title>Error:" in response.content.decode()
    activity.refresh_from_db()
    assert not activity.is_cancelled
    assert not Event.objects.filter(kind=EventKind.ACTIVITY_CANCELLED).exists()


def test_a_too_long_reason_is_refused_and_kept(client: Client, project, practitioner):
    activity = plan(project, practitioner)
    client.force_login(practitioner)
    response = client.post(url("cancel", activity), {"reason": "x" * 1001})
    page = response.content.decode()
    assert "Write at most" in page
    assert "<title>Error:" in page
    assert "x" * 1001 in page
    activity.refresh_from_db()
    assert not activity.is_cancelled


def test_a_cancelled_activity_refuses_replies_adjustments_changes_and_attendance(
    client: Client, project, practitioner, expert2
):
    activity = plan(project, practitioner)
    activities.cancel_activity(activity=activity, actor=practitioner)
    client.force_login(expert2)
    page = client.get(url("detail", activity)).content.decode()
    assert "Send my reply" not in page
    for name, data in (("reply", {"answer": "coming"}), ("adjustment", {"need": "A ramp"})):
        response = client.post(url(name, activity), data)
        assert "This activity is cancelled" in response.content.decode()
    client.force_login(practitioner)
    response = client.post(url("edit", activity), {**FORM, "title": "New title"})
    assert "This activity is cancelled" in response.content.decode()
    Activity.objects.filter(pk=activity.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    response = client.post(url("attendance", activity), {f"member_{expert2.pk}": "attended"})
    assert "This activity is cancelled" in response.content.decode()
    activity.refresh_from_db()
    assert activity.title == "Planning the drop-in"
    assert not activity.replies.exists()
    assert not activity.adjustments.exists()
    assert not activity.attendance.exists()


def test_a_cancelled_activity_is_not_reminded_about(project, practitioner, mailoutbox):
    start = timezone.now() + timedelta(days=2)
    going = plan(project, practitioner, starts_at=start)
    off = plan(project, practitioner, starts_at=start, title="Second meeting")
    activities.cancel_activity(activity=off, actor=practitioner)
    with time_machine.travel(start - timedelta(hours=20)):
        assert send_reminders.delay().get() == 5  # the five members, for one activity
    assert set(OutboxMessage.objects.values_list("data__activity", flat=True)) == {going.pk}


def test_a_reminder_queued_before_the_activity_was_cancelled_is_not_sent(
    project, practitioner, mailoutbox
):
    start = timezone.now() + timedelta(days=2)
    activity = plan(project, practitioner, starts_at=start)
    with time_machine.travel(start - timedelta(hours=20)):
        queued = queue_due_reminders()
        activities.cancel_activity(activity=activity, actor=practitioner)
        for message in queued:
            deliver(message.pk)
    assert len(queued) == 5
    assert not mailoutbox
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"skipped"}


def test_the_calendar_file_and_lists_say_cancelled(client: Client, project, practitioner, expert2):
    activity = plan(project, practitioner)
    activities.cancel_activity(activity=activity, actor=practitioner)
    client.force_login(expert2)
    body = client.get(url("ics", activity)).content.decode()
    assert "STATUS:CANCELLED" in body
    assert "SEQUENCE:1" in body
    listing = client.get(f"/projects/{project.slug}/activities/").content.decode()
    assert "Cancelled: Planning the drop-in" in listing
    assert "Planning the drop-in" not in client.get("/").content.decode()


def test_a_cancelled_activity_is_not_in_the_evidence(project, practitioner):
    activity = plan(project, practitioner)
    activities.cancel_activity(activity=activity, actor=practitioner)
    Activity.objects.filter(pk=activity.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    assert stage_attendance(project, Stage.DESIGN) == []
