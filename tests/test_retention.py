"""Retention: old addresses, words, invitations and links go on schedule, and the evidence stays.

Each kind is checked at three moments with frozen time: just before its period ends (nothing
goes), just after (exactly the due rows go) and on a second run (nothing more goes).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from participation.models import (
    InboundText,
    Invitation,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    TextOutcome,
)
from participation.services import outbox, retention
from participation.services.invitations import invite, resend, revoke
from participation.services.joining import accept, find
from participation.services.notify import notify_users
from participation.tasks import purge_expired
from participation.tokens import sent_token
from projects.models import Event, EventKind, Membership, Role

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NOTHING = retention.Purged()
ALEX = "alex@example.org"


def at(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def purge() -> retention.Purged:
    return retention.purge_expired(batch_size=2)  # small batches, so the loop is exercised


@pytest.fixture
def only_messages(settings):
    """Invitations and their links kept for years, so that only message details are due."""
    settings.RETENTION_INVITATION_DAYS = settings.RETENTION_LINK_DAYS = 1000


def sent_invitation(project, practitioner) -> OutboxMessage:
    """An invitation by email, sent at START: a message that really goes out."""
    with at(START):
        invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, email=ALEX)
        outbox.relay_due()
    return OutboxMessage.objects.get(invitation__email=ALEX)


# --- Message details --------------------------------------------------------------------------


def test_a_sent_message_keeps_who_what_and_when_but_loses_its_address_after_90_days(
    project, practitioner, only_messages, mailoutbox
):
    message = sent_invitation(project, practitioner)
    assert message.status == OutboxStatus.SENT and message.address == ALEX

    with at(START + timedelta(days=90) - timedelta(minutes=1)):
        assert purge() == NOTHING
    with at(START + timedelta(days=90)):
        assert purge() == retention.Purged(message_details=1)
        assert purge() == NOTHING

    message.refresh_from_db()
    assert message.address == "" and message.last_error == ""
    assert (message.kind, message.recipient) == (
        MessageKind.INVITATION,
        f"invitation:{message.invitation_id}",
    )
    assert message.status == OutboxStatus.SENT and message.sent_at == START


def test_a_failed_message_loses_the_error_that_quotes_the_address(
    project, practitioner, only_messages
):
    refusal = OSError(f"550 mailbox unavailable: {ALEX}")
    with (
        mock.patch.object(mail.EmailMultiAlternatives, "send", side_effect=refusal),
        mock.patch.object(settings, "OUTBOX_MAX_ATTEMPTS", 1),
    ):
        message = sent_invitation(project, practitioner)
    assert message.status == OutboxStatus.FAILED and ALEX in message.last_error

    with at(START + timedelta(days=89)):
        assert purge() == NOTHING
    with at(START + timedelta(days=91)):
        assert purge() == retention.Purged(message_details=1)
        assert purge() == NOTHING
    message.refresh_from_db()
    assert message.last_error == "" and message.status == OutboxStatus.FAILED


def test_a_message_still_waiting_to_be_sent_is_never_touched(project, expert2):
    with at(START):
        [message] = notify_users(
            kind=MessageKind.DECISION_MADE,
            occasion="gate:99:closed",
            project=project,
            users=[expert2],
            data={"gate": 99},
        )
        OutboxMessage.objects.filter(pk=message.pk).update(
            address="kept@example.org", next_attempt_at=START + timedelta(days=400)
        )
    with at(START + timedelta(days=365)):
        assert purge() == NOTHING
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and message.address == "kept@example.org"


# --- Texts received ---------------------------------------------------------------------------


def a_text(n: int, **fields) -> InboundText:
    return InboundText.objects.create(
        provider="fake",
        message_id=f"m{n}",
        sender="+447700900123",
        body=f"text number {n}",
        reply="our answer",
        received_at=START,
        **fields,
    )


def test_old_texts_lose_their_words_unless_a_person_still_has_to_act_on_them(expert):
    voted = a_text(1, user=expert, outcome=TextOutcome.VOTED)
    dealt_with = a_text(
        2,
        user=expert,
        outcome=TextOutcome.NOT_UNDERSTOOD,
        dealt_with_at=START,
        dealt_with_by=expert,
    )
    waiting = a_text(3, user=expert, outcome=TextOutcome.NOT_UNDERSTOOD)
    no_without_reason = a_text(4, user=expert, outcome=TextOutcome.ASKED_WHY, awaiting_reason=True)

    with at(START + timedelta(days=89, hours=23)):
        assert purge() == NOTHING
    with at(START + timedelta(days=90)):
        assert purge() == retention.Purged(text_words=2)
        assert purge() == NOTHING

    for text in (voted, dealt_with):
        text.refresh_from_db()
        assert (text.body, text.reply) == ("", "")
        assert text.sender and text.outcome and text.received_at == START
    for text in (waiting, no_without_reason):
        text.refresh_from_db()
        assert text.body.startswith("text number")


# --- Invitations and their links ---------------------------------------------------------------


@pytest.fixture
def three_invitations(project, practitioner, user_factory):
    """At START: `open` expires in 14 days; `withdrawn` is withdrawn an hour later; `accepted`
    becomes a membership an hour later."""
    with at(START):
        sent = [
            invite(
                project=project, role=Role.EXPERT_BY_EXPERIENCE, inviter=practitioner, email=address
            )
            for address in ("open@example.org", "withdrawn@example.org", "accepted@example.org")
        ]
    opened, withdrawn, accepted = (s.invitation for s in sent)
    with at(START + timedelta(hours=1)):
        revoke(invitation=withdrawn)
        accept(invitation=accepted, user=user_factory(email="accepted@example.org"))
    return opened, withdrawn, accepted


def test_an_unaccepted_invitation_goes_90_days_after_it_expired_or_was_withdrawn(
    project, three_invitations
):
    opened, withdrawn, accepted = three_invitations
    invitation_sent = Event.objects.filter(project=project, kind=EventKind.INVITATION_SENT)
    assert invitation_sent.count() == 3

    with at(START + timedelta(days=90, minutes=59)):
        assert purge().invitations == 0
    with at(START + timedelta(days=90, hours=1)):
        assert purge().invitations == 1  # withdrawn an hour after START
        assert purge() == NOTHING
    assert not Invitation.objects.filter(pk=withdrawn.pk).exists()

    with at(START + timedelta(days=14 + 90) - timedelta(minutes=1)):
        assert purge() == NOTHING
    with at(START + timedelta(days=14 + 90)):
        assert purge().invitations == 1  # expired 14 days after START
        assert purge() == NOTHING

    assert list(Invitation.objects.all()) == [accepted]
    assert Membership.objects.filter(project=project, user__email="accepted@example.org").exists()
    assert not OutboxMessage.objects.filter(invitation__in=[opened.pk, withdrawn.pk]).exists()
    # The history never named the person, and still says that invitations were sent.
    assert invitation_sent.count() == 3


def test_a_link_that_stopped_working_loses_the_secret_that_rebuilds_it(three_invitations):
    opened, withdrawn, accepted = three_invitations

    with at(START + timedelta(hours=2)):
        assert purge() == retention.Purged(invitation_links=2)  # withdrawn and accepted
        assert purge() == NOTHING
    for invitation in (opened, withdrawn, accepted):
        invitation.refresh_from_db()
    assert opened.token_nonce and not withdrawn.token_nonce and not accepted.token_nonce
    assert sent_token(opened)  # the link in the open invitation still works

    with at(START + timedelta(days=14) - timedelta(minutes=1)):
        assert purge() == NOTHING
    with at(START + timedelta(days=14)):
        assert purge() == retention.Purged(invitation_links=1)
        assert purge() == NOTHING
    opened.refresh_from_db()
    assert opened.token_nonce == ""


def test_an_invitation_whose_link_was_cleared_can_still_be_sent_again(
    practitioner, three_invitations
):
    opened, _, _ = three_invitations
    with at(START + timedelta(days=15)):
        purge()
        sent = resend(invitation=opened, actor=practitioner)
    token = sent_token(sent.invitation)
    assert find(token) == opened and sent.invitation.is_pending(START + timedelta(days=15))


# --- Running it -------------------------------------------------------------------------------


def test_the_dry_run_counts_and_changes_nothing(three_invitations, mailoutbox):
    with at(START):
        outbox.relay_due()  # only the open one goes: the others were withdrawn or accepted
    with at(START + timedelta(days=200)):
        out = StringIO()
        call_command("purge_expired", "--dry-run", stdout=out)
        assert "would be blanked: 1" in out.getvalue()
        assert "would be deleted: 2" in out.getvalue()
        assert "would be cleared: 1" in out.getvalue()  # the accepted one's link
        assert Invitation.objects.count() == 3

        out = StringIO()
        call_command("purge_expired", stdout=out)
        assert "were deleted: 2" in out.getvalue()
        assert retention.purge_expired(dry_run=True) == NOTHING


def test_beat_runs_the_purge_nightly_and_the_task_reports_counts(
    project, practitioner, only_messages, mailoutbox
):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "participation.tasks.purge_expired" in scheduled
    sent_invitation(project, practitioner)
    with at(START + timedelta(days=100)):
        assert purge_expired.delay().get() == {
            "message_details": 1,
            "text_words": 0,
            "invitations": 0,
            "invitation_links": 0,
        }
        assert purge_expired.delay().get()["message_details"] == 0
