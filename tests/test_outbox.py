"""The transactional outbox: written with its cause, sent once, retried until it goes."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as MemoryBackend
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from participation.models import MessageKind, OutboxMessage, OutboxStatus
from participation.services import outbox
from participation.services.invitations import invite, revoke
from participation.services.notify import notify_users
from participation.tasks import deliver_messages, relay_outbox
from participation.tokens import hash_token
from projects.models import Role
from tests.participation_fixtures import token_in, use_locmem_sms

pytestmark = pytest.mark.django_db


def invite_sam(project, practitioner, **extra):
    return invite(
        project=project,
        role=Role.PRACTITIONER,
        inviter=practitioner,
        email="sam@example.org",
        **extra,
    ).invitation


def decision_message(project, user):
    return notify_users(
        kind=MessageKind.DECISION_MADE,
        occasion="gate:99:closed",
        project=project,
        users=[user],
        data={"gate": 99},
    )


def test_the_same_occasion_twice_gives_one_message(project, expert2):
    first = decision_message(project, expert2)
    second = decision_message(project, expert2)
    assert len(first) == 1 and second == []
    assert OutboxMessage.objects.count() == 1


def test_the_database_refuses_a_second_row_for_the_same_occasion(project, expert2):
    [message] = decision_message(project, expert2)
    message.pk = None
    assert outbox.queue([message]) == []
    assert not outbox._insert_if_new(message)
    assert OutboxMessage.objects.count() == 1


def test_the_message_is_written_in_the_same_transaction_as_its_cause(project, practitioner):
    with pytest.raises(RuntimeError), transaction.atomic():
        invite_sam(project, practitioner)
        assert OutboxMessage.objects.count() == 1
        raise RuntimeError("the change fails after the invitation was written")
    assert not OutboxMessage.objects.exists()


def test_a_failing_send_is_retried_with_backoff_and_then_sent_once(
    project, practitioner, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(
            mail.EmailMultiAlternatives, "send", side_effect=ConnectionRefusedError("SMTP down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        invite_sam(project, practitioner)
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert "SMTP down" in message.last_error
    wait = message.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=61)
    assert relay_outbox.delay().get() == 0  # not due yet: nothing is sent early
    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        assert relay_outbox.delay().get() == 1  # the mail server is back
        assert relay_outbox.delay().get() == 0
    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, "")


def test_waits_between_attempts_grow_and_are_capped(settings):
    settings.OUTBOX_MAX_DELAY_MINUTES = 10
    waits = [outbox.backoff(n) for n in range(1, 8)]
    assert timedelta(seconds=30) <= waits[0] <= timedelta(seconds=60)
    assert timedelta(minutes=4) <= waits[3] <= timedelta(minutes=8)
    assert all(wait <= timedelta(minutes=10) for wait in waits)


def test_a_message_that_keeps_failing_is_given_up_after_the_last_attempt(
    project, practitioner, settings, caplog
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    invite_sam(project, practitioner)
    message = OutboxMessage.objects.get()
    with mock.patch.object(mail.EmailMultiAlternatives, "send", side_effect=TimeoutError):
        assert outbox.deliver(message.pk).outcome == outbox.Outcome.RETRY
        later = timezone.now() + timedelta(hours=1)
        assert outbox.deliver(message.pk, now=later).outcome == outbox.Outcome.FAILED
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert "Gave up on message" in caplog.text


def test_delivering_twice_sends_once(project, practitioner, mailoutbox):
    invite_sam(project, practitioner)
    [message_id] = OutboxMessage.objects.values_list("pk", flat=True)
    assert deliver_messages.delay([message_id, message_id]).get() == 1
    assert deliver_messages.delay([message_id]).get() == 0
    assert len(mailoutbox) == 1


def test_with_the_broker_down_the_change_succeeds_and_the_relay_sends_later(
    project, practitioner, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    broken = mock.patch.object(
        deliver_messages, "apply_async", side_effect=OperationalError("Connection refused")
    )
    with broken, django_capture_on_commit_callbacks(execute=True):
        invitation = invite_sam(project, practitioner)
    assert invitation.pk is not None
    assert not mailoutbox
    assert "the outbox relay will send them" in caplog.text
    assert relay_outbox.delay().get() == 1
    assert mailoutbox[0].to == ["sam@example.org"]


def test_a_message_no_longer_needed_is_skipped_not_sent(project, practitioner, mailoutbox):
    invitation = invite_sam(project, practitioner)
    revoke(invitation=invitation)
    assert relay_outbox.delay().get() == 0
    assert OutboxMessage.objects.get().status == OutboxStatus.SKIPPED
    assert not mailoutbox


def test_an_older_send_is_skipped_once_the_invitation_was_sent_again(
    project, practitioner, mailoutbox
):
    invite_sam(project, practitioner)
    # Sent again an hour later, before the broker delivered the first: one email, not two.
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        renewed = invite_sam(project, practitioner)
        assert relay_outbox.delay().get() == 1
    statuses = OutboxMessage.objects.order_by("pk").values_list("status", flat=True)
    assert list(statuses) == [OutboxStatus.SKIPPED, OutboxStatus.SENT]
    assert hash_token(token_in(mailoutbox[0].body)) == renewed.token_hash


def test_emails_have_plain_text_and_html_parts(
    project, practitioner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite_sam(project, practitioner, name="Sam", message="Come & help.")
    email = mailoutbox[0]
    assert email.subject == "Pat invited you to join Housing First in Lambeth"
    assert "Hello Sam," in email.body
    assert '"Come & help."' in email.body  # plain text is not HTML-escaped
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "Come &amp; help." in html
    assert 'lang="en-gb"' in html


def test_text_messages_go_through_the_sms_backend(
    project, practitioner, settings, mailoutbox, django_capture_on_commit_callbacks
):
    texts = use_locmem_sms(settings)
    with django_capture_on_commit_callbacks(execute=True):
        invite_sam(project, practitioner, phone="+44 7700 900123")
    assert [t.to for t in texts] == ["+447700900123"]
    assert len(mailoutbox) == 1  # email and text, one message each
    assert set(OutboxMessage.objects.values_list("channel", flat=True)) == {"email", "sms"}


def test_the_file_backend_writes_one_file_per_text(tmp_path, settings):
    from coproduce.sms import TextMessage, get_backend

    settings.SMS_BACKEND = "coproduce.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path)
    get_backend().send_messages([TextMessage("07700900123", "Hello"), TextMessage("0", "Bye")])
    written = sorted(path.read_text() for path in tmp_path.iterdir())
    assert written == ["To: 0\n\nBye\n", "To: 07700900123\n\nHello\n"]


def test_a_message_that_cannot_be_rendered_does_not_hold_up_the_others(
    project, practitioner, expert2, mailoutbox
):
    [broken] = decision_message(project, expert2)  # gate 99 does not exist: nothing to render
    broken.kind = "no_such_kind"
    broken.save()
    invite_sam(project, practitioner)
    assert relay_outbox.delay().get() == 1
    broken.refresh_from_db()
    assert (broken.status, broken.attempts) == (OutboxStatus.PENDING, 1)
    assert "no_such_kind" in broken.last_error
    assert mailoutbox[0].to == ["sam@example.org"]


def test_sending_costs_the_same_few_queries_for_each_message(project, practitioner, mailoutbox):
    # Each message had asked for its person's membership and preferences on its own: nine
    # round trips a message, 109 emails a second from one worker.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.gate_helpers import closed_gate

    gate = closed_gate(project, passed=True)
    members = [m.user for m in project.memberships.select_related("user")]
    costs = []
    for people in (members[:1], members[1:]):
        queued = notify_users(
            kind=MessageKind.DECISION_MADE,
            occasion=f"gate:{gate.pk}:closed",
            project=project,
            users=people,
            data={"gate": gate.pk},
        )
        with CaptureQueriesContext(connection) as queries:
            deliveries = outbox.deliver_many([message.pk for message in queued])
        assert [d.outcome for d in deliveries] == [outbox.Outcome.SENT] * len(people)
        costs.append(len(queries) / len(people))
    assert costs[0] == costs[1] <= 7


class Unreachable(MemoryBackend):
    """A mail server that cannot be reached."""

    def open(self):
        raise ConnectionRefusedError("Connection refused")

    def send_messages(self, messages):
        self.open()


def test_a_batch_opens_one_mail_connection_and_an_unreachable_server_is_retried(
    project, practitioner, settings
):
    opened = []
    real_open = MemoryBackend.open

    def counting_open(self):
        opened.append(self)
        return real_open(self)

    first = invite_sam(project, practitioner)
    second = invite(
        project=project, role=Role.PRACTITIONER, inviter=practitioner, email="kim@example.org"
    ).invitation
    ids = list(
        OutboxMessage.objects.filter(invitation__in=[first, second]).values_list("pk", flat=True)
    )
    settings.EMAIL_BACKEND = "tests.test_outbox.Unreachable"
    outcomes = [d.outcome for d in outbox.deliver_many(ids)]
    assert outcomes == [outbox.Outcome.RETRY, outbox.Outcome.RETRY]
    assert OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.PENDING).count() == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with mock.patch.object(MemoryBackend, "open", counting_open):
        later = timezone.now() + timedelta(hours=1)
        outcomes = [d.outcome for d in outbox.deliver_many(ids, now=later)]
    assert outcomes == [outbox.Outcome.SENT, outbox.Outcome.SENT]
    assert len({id(connection) for connection in opened}) == 1
