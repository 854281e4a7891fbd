"""Reminders: due times in the database, one sweep, each reminder sent once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from participation.models import MessageKind, OutboxMessage
from participation.services.invitations import invite
from participation.services.joining import accept
from participation.services.reminders import queue_due_reminders
from participation.tasks import relay_outbox, send_reminders
from projects import services
from projects.models import Choice, Role
from projects.services import gates
from tests.gate_helpers import deadline, open_gate

pytestmark = pytest.mark.django_db


def reminded(kind=MessageKind.VOTING_CLOSING):
    return sorted(OutboxMessage.objects.filter(kind=kind).values_list("occasion", "user__email"))


@pytest.fixture
def gate(project, practitioner, expert):
    """Open for 72 hours; practitioner and expert have voted, expert2 and practitioner2 not."""
    gate = open_gate(project, practitioner, expert, window_hours=72)
    gates.cast_vote(gate=gate, voter=practitioner, choice=Choice.APPROVE)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.APPROVE)
    return gate


def test_voting_members_who_have_not_voted_are_reminded_48_and_24_hours_before_close(
    gate, mailoutbox
):
    with time_machine.travel(deadline(gate) - timedelta(hours=47)):
        assert send_reminders.delay().get() == 2
    with time_machine.travel(deadline(gate) - timedelta(hours=23)):
        assert send_reminders.delay().get() == 2
    assert reminded() == [
        (f"gate:{gate.pk}:closing:24h", "expert2@example.org"),
        (f"gate:{gate.pk}:closing:24h", "practitioner2@example.org"),
        (f"gate:{gate.pk}:closing:48h", "expert2@example.org"),
        (f"gate:{gate.pk}:closing:48h", "practitioner2@example.org"),
    ]
    assert {email.to[0] for email in mailoutbox} == {
        "expert2@example.org",
        "practitioner2@example.org",
    }
    assert mailoutbox[0].subject.startswith("Reminder: vote by ")


def test_running_the_sweep_again_sends_nothing_twice(gate, mailoutbox):
    with time_machine.travel(deadline(gate) - timedelta(hours=30)):
        assert send_reminders.delay().get() == 2
        assert send_reminders.delay().get() == 0
        assert queue_due_reminders() == []
    assert len(mailoutbox) == 2


def test_no_reminder_before_the_48_hour_mark(gate):
    with time_machine.travel(deadline(gate) - timedelta(hours=49)):
        assert queue_due_reminders() == []


def test_a_late_sweep_sends_only_the_current_reminder_not_a_stale_one(gate):
    with time_machine.travel(deadline(gate) - timedelta(hours=2)):
        queue_due_reminders()
    assert {occasion for occasion, _email in reminded()} == {f"gate:{gate.pk}:closing:24h"}


def test_a_short_vote_gets_no_48_hour_reminder(project, practitioner, expert):
    gate = open_gate(project, practitioner, expert, window_hours=30)
    with time_machine.travel(deadline(gate) - timedelta(hours=29)):
        assert queue_due_reminders() == []
    with time_machine.travel(deadline(gate) - timedelta(hours=20)):
        queue_due_reminders()
        assert {occasion for occasion, _email in reminded()} == {f"gate:{gate.pk}:closing:24h"}


@pytest.mark.parametrize("window", [24, 48])
def test_a_vote_as_long_as_a_mark_is_not_reminded_of_it_on_top_of_voting_opening(
    project, practitioner, expert, window
):
    gate = open_gate(project, practitioner, expert, window_hours=window)
    with time_machine.travel(deadline(gate) - timedelta(hours=window, minutes=-5)):
        assert queue_due_reminders() == []
    with time_machine.travel(deadline(gate) - timedelta(hours=20)):
        queue_due_reminders()
    expected = set() if window == 24 else {f"gate:{gate.pk}:closing:24h"}
    assert {occasion for occasion, _email in reminded()} == expected


def test_someone_who_votes_after_the_reminder_was_queued_is_not_sent_it(gate, expert2, mailoutbox):
    with time_machine.travel(deadline(gate) - timedelta(hours=40)):
        queue_due_reminders()
        gates.cast_vote(gate=gate, voter=expert2, choice=Choice.ABSTAIN)
        relay_outbox.delay()
    reminders = [email for email in mailoutbox if email.subject.startswith("Reminder")]
    assert [email.to[0] for email in reminders] == ["practitioner2@example.org"]


def test_an_unanswered_invitation_is_reminded_after_3_and_10_days(
    project, practitioner, mailoutbox
):
    invitation = invite(
        project=project, role=Role.PRACTITIONER, inviter=practitioner, email="sam@example.org"
    ).invitation
    sent = invitation.sent_at
    with time_machine.travel(sent + timedelta(days=2)):
        assert queue_due_reminders() == []
    with time_machine.travel(sent + timedelta(days=3, minutes=1)):
        assert send_reminders.delay().get() == 1
        assert send_reminders.delay().get() == 0
    with time_machine.travel(sent + timedelta(days=10, minutes=1)):
        assert send_reminders.delay().get() == 1
    with time_machine.travel(sent + timedelta(days=13)):
        assert send_reminders.delay().get() == 0
    reminders = [email for email in mailoutbox if email.subject.startswith("Reminder")]
    assert len(reminders) == 2
    assert "/invitations/" in reminders[0].body


def test_an_accepted_invitation_is_not_reminded(project, practitioner, user_factory):
    invitation = invite(
        project=project, role=Role.PRACTITIONER, inviter=practitioner, email="sam@example.org"
    ).invitation
    accept(invitation=invitation, user=user_factory(email="sam@example.org"))
    with time_machine.travel(invitation.sent_at + timedelta(days=4)):
        assert queue_due_reminders() == []


def test_a_sign_off_waiting_for_a_commissioner_is_reminded(
    project, practitioner, expert, expert2, practitioner2, commissioner, mailoutbox
):
    services.update_settings(
        project=project, actor=practitioner, changes={"signoff_every_gate": True}
    )
    gate = open_gate(project, practitioner, expert)
    for voter in (practitioner, expert, expert2, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    gate.refresh_from_db()
    assert gate.closed_at is not None
    with time_machine.travel(gate.closed_at + timedelta(days=2, minutes=1)):
        assert send_reminders.delay().get() == 1
        assert send_reminders.delay().get() == 0
    assert mailoutbox[-1].to == [commissioner.email]
    assert mailoutbox[-1].subject.startswith("Reminder: a decision is waiting for your sign-off")
    gates.record_signoff(gate=gate, commissioner=commissioner, assured=True, reasons="Genuine.")
    with time_machine.travel(gate.closed_at + timedelta(days=8)):
        due = queue_due_reminders()
        # The stage that ended is still due its survey reminders; no sign-off reminder.
        assert [m for m in due if m.kind == MessageKind.SIGNOFF_REMINDER] == []


def test_send_reminders_command_prints_what_it_sent(gate):
    out = StringIO()
    with time_machine.travel(deadline(gate) - timedelta(hours=47)):
        call_command("send_reminders", stdout=out)
        call_command("send_reminders", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Sent Email to expert2@example.org: Reminder: vote by")
    assert lines[2] == "2 reminder(s) sent."
    assert lines[3] == "0 reminder(s) sent."


def test_someone_who_joined_after_voting_opened_is_not_reminded_to_vote(gate, project, join):
    newcomer = join(project, Role.PRACTITIONER, email="newcomer@example.org")
    with time_machine.travel(deadline(gate) - timedelta(hours=47)):
        queue_due_reminders()
    assert [email for _occasion, email in reminded()] == [
        "expert2@example.org",
        "practitioner2@example.org",
    ]
    assert not OutboxMessage.objects.filter(user=newcomer, kind=MessageKind.VOTING_CLOSING).exists()


def test_a_voting_reminder_queued_for_someone_outside_the_electorate_is_skipped(
    gate, project, join, mailoutbox
):
    from participation.models import OutboxStatus
    from participation.services.notify import notify_users

    newcomer = join(project, Role.PRACTITIONER, email="newcomer@example.org")
    with time_machine.travel(deadline(gate) - timedelta(hours=20)):
        [message] = notify_users(
            kind=MessageKind.VOTING_CLOSING,
            occasion=f"gate:{gate.pk}:closing:24h",
            project=project,
            users=[newcomer],
            data={"gate": gate.pk, "hours": 24},
        )
        relay_outbox.delay()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SKIPPED
    voting = [email for email in mailoutbox if "vote" in email.subject.lower()]
    assert newcomer.email not in {email.to[0] for email in voting}


def test_a_voting_reminder_for_someone_who_has_left_is_skipped(
    gate, project, practitioner, practitioner2, mailoutbox
):
    from participation.models import OutboxStatus

    with time_machine.travel(deadline(gate) - timedelta(hours=20)):
        queue_due_reminders()
        services.leave_project(membership=project.memberships.get(user=practitioner2))
        relay_outbox.delay()
    skipped = OutboxMessage.objects.get(kind=MessageKind.VOTING_CLOSING, user=practitioner2)
    assert skipped.status == OutboxStatus.SKIPPED
    reminders = [email for email in mailoutbox if email.subject.startswith("Reminder")]
    assert practitioner2.email not in {email.to[0] for email in reminders}


@pytest.mark.parametrize("count", [5, 30])
def test_the_reminder_sweep_makes_the_same_number_of_queries_for_5_or_30_invitations(
    project, practitioner, count, django_assert_max_num_queries
):
    for n in range(count):
        invitation = invite(
            project=project,
            role=Role.PRACTITIONER,
            inviter=practitioner,
            email=f"person{n}@example.org",
            phone=f"07700 900{n:03}",
        ).invitation
    with time_machine.travel(invitation.sent_at + timedelta(days=3, minutes=1)):
        # Measured: 11 at both sizes, and 8 for a sweep that finds nothing new (it was about
        # 4 and 3 per invitation). One of them asks whether an activity starts soon, one
        # whether a survey is due its reminder.
        with django_assert_max_num_queries(11):
            queued = queue_due_reminders()
        assert len(queued) == 2 * count  # an email and a text each
        with django_assert_max_num_queries(8):
            assert queue_due_reminders() == []
