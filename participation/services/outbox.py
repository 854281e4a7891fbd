"""The transactional outbox: a message row is written with its cause, then relayed.

How a message travels:
1. A service (an invitation, a gate signal, the reminder sweep) calls `queue()` inside its own
   transaction. The row commits with the change, or not at all.
2. `send_after_commit()` asks Celery to deliver the new rows once the transaction commits. If
   the broker is down the request still succeeds: the failure is logged and swallowed.
3. The `relay_outbox` beat task runs every minute and delivers every row that is due, so a
   kick that never reached the broker costs at most a minute's delay once Redis is back.
4. `deliver()` locks the row, renders it, sends it and marks it sent in one transaction. A
   failed send is recorded on the row with the next attempt pushed back (exponential, with
   jitter); after OUTBOX_MAX_ATTEMPTS the row is marked failed and logged as an error. A
   message that can never be written as it should be (`compose.Undeliverable`, such as an
   invitation whose link no key can rebuild) is marked failed at once.

A webhook's row (channel "webhook") is not rendered: it holds the event's facts, which are
signed and POSTed to the webhook's address (`participation/messages/webhooks.py` and
`http_post.py`), with the same lock, the same retries and the same backoff. A non-2xx answer,
a refused address, a timeout or no connection is a failed attempt.

Delivery is at least once: a crash after the mail server accepted a message but before the
commit would send it again on the next attempt. Every other path sends each row once, because
the row is locked while it is sent and anything not pending is left alone.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.sms import send_text
from projects.models import EventKind
from projects.services.history import log_event

from ..messages import http_post, webhooks
from ..messages.compose import Undeliverable
from ..messages.render import Content, render, still_a_member
from ..models import Channel, MessageKind, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

# One quick retry covers a pooled connection that went stale when Redis restarted; beyond
# that the request must not wait, because the relay sweep will deliver the message anyway.
PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}


def queue(messages: Iterable[OutboxMessage]) -> list[OutboxMessage]:
    """Save the messages whose key is new and return them; the rest already exist.

    Call inside the transaction of the change that causes the messages. Calling it again for
    the same occasion inserts nothing, which is what makes every sweep safe to re-run.
    """
    wanted: dict[tuple[str, str, str, str], OutboxMessage] = {}
    for message in messages:
        wanted.setdefault(message.key, message)
    if not wanted:
        return []
    existing = set(
        OutboxMessage.objects.filter(
            occasion__in={key[1] for key in wanted}, recipient__in={key[2] for key in wanted}
        ).values_list("kind", "occasion", "recipient", "channel")
    )
    fresh = [message for key, message in wanted.items() if key not in existing]
    if not fresh:
        return []
    try:
        with transaction.atomic():
            return OutboxMessage.objects.bulk_create(fresh)
    except IntegrityError:
        # Another process queued some of the same occasions in between: insert one by one.
        return [message for message in fresh if _insert_if_new(message)]


def _insert_if_new(message: OutboxMessage) -> bool:
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def send_after_commit(messages: list[OutboxMessage]) -> None:
    """Ask a worker to deliver these messages once the current transaction commits."""
    ids = [message.pk for message in messages]
    if ids:
        transaction.on_commit(lambda: kick(ids))


def kick(message_ids: list[int]) -> None:
    """Publish the delivery task. Never raises: the relay sweep is the safety net."""
    # Imported here because the tasks module imports these services.
    from ..tasks import deliver_messages

    try:
        deliver_messages.apply_async((message_ids,), retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:
        # Whatever went wrong (broker down, or an eager run failing), the rows are committed
        # and the relay sweep will send them; the change that caused them must still succeed.
        logger.warning(
            "Could not hand messages %s to a worker; the outbox relay will send them.",
            message_ids,
            exc_info=True,
        )


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # no longer relevant: answered, withdrawn, switched off
    RETRY = "retry"  # the send failed; the next attempt is booked
    FAILED = "failed"  # the send failed for the last time
    UNTOUCHED = "untouched"  # already done, not due yet, or another worker holds it


@dataclass(frozen=True)
class Delivery:
    message_id: int
    outcome: Outcome
    summary: str = ""


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: 1, 2, 4 ... minutes, capped, with equal jitter.

    The jitter spreads retries out so that messages which failed together (a mail server
    outage) do not all come back in the same second.
    """
    cap = settings.OUTBOX_MAX_DELAY_MINUTES * 60
    delay = min(60 * 2 ** max(attempts - 1, 0), cap)
    return timedelta(seconds=delay / 2 + random.uniform(0, delay / 2))  # noqa: S311 - jitter


def deliver(
    message_id: int, *, now: datetime | None = None, mail: BaseEmailBackend | None = None
) -> Delivery:
    """Send one message if it is pending and due. Safe to call any number of times.

    `mail`: an open email connection to send through (`deliver_many` keeps one for its whole
    batch); a new one for this message when None."""
    now = now or timezone.now()
    with transaction.atomic():
        # The lock is held while sending, so two workers can never send the same row; a
        # worker that finds the row locked moves on. (SQLite has no row locks and ignores it.)
        # What `render` asks of every message (is the person still a member, what have they
        # switched off) comes with the row: two round trips fewer per message.
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "user__notification_preference",
                "invitation__project",
                "invitation__invited_by",
                "project",
                "webhook_delivery__webhook",
            )
            .annotate(member_now=still_a_member())
            .filter(pk=message_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return Delivery(message_id, Outcome.UNTOUCHED)
        if message.channel == Channel.WEBHOOK:
            return _post_to_webhook(message, now=now)
        try:
            # A savepoint, so that a database error while rendering still leaves the
            # transaction usable for recording the failure.
            with transaction.atomic():
                content = render(message, now=now)
            if content is not None:
                _send(message.channel, content, mail)
        except Exception as error:
            # Any failure to render or send (a broken template, an SMTP refusal, a timeout, a
            # provider error) is recorded and retried later. It never escapes, so one bad
            # message cannot hold up the others in a relay run.
            return _record_failure(message, error, now=now)
        if content is None:
            message.status = OutboxStatus.SKIPPED
            message.save(update_fields=["status"])
            return Delivery(message_id, Outcome.SKIPPED)
        message.status, message.sent_at, message.address = OutboxStatus.SENT, now, content.address
        message.attempts += 1
        message.last_error = ""
        message.save(update_fields=["status", "sent_at", "address", "attempts", "last_error"])
        _log_vote_confirmation(message)
    summary = f"{message.get_channel_display()} to {content.address}: {content.subject}"
    return Delivery(message_id, Outcome.SENT, summary)


def _log_vote_confirmation(message: OutboxMessage) -> None:
    """The history says when the text confirming a vote by text went out (never the vote)."""
    if not (message.kind == MessageKind.TEXT_REPLY and message.data.get("vote")):
        return
    if message.project is None or message.user is None:
        return
    log_event(
        project=message.project,
        kind=EventKind.TEXT_CONFIRMED,
        actor=None,
        summary=_("A text was sent to %(name)s to confirm their vote.") % {"name": message.user},
        data={"text": message.data.get("text"), "message": message.pk},
    )


def _send(channel: str, content: Content, mail: BaseEmailBackend | None) -> None:
    if channel == Channel.SMS:
        send_text(to=content.address, body=content.sms)
        return
    email = EmailMultiAlternatives(
        subject=content.subject,
        body=content.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[content.address],
        headers=content.headers,
        connection=mail,
    )
    email.attach_alternative(content.html, "text/html")
    email.send()


def _post_to_webhook(message: OutboxMessage, *, now: datetime) -> Delivery:
    """POST a locked webhook delivery to its receiver, signed; record the answer either way.

    A webhook turned off or deleted since the event is skipped. Only the status of the answer
    and how long it took are kept: a receiver's words stay out of the database."""
    try:
        delivery = message.webhook_delivery
    except ObjectDoesNotExist:
        delivery = None
    if delivery is None or not delivery.webhook.active:
        message.status = OutboxStatus.SKIPPED
        message.save(update_fields=["status"])
        return Delivery(message.pk, Outcome.SKIPPED)
    hook = delivery.webhook
    payload = webhooks.body(message)
    # Signed with the moment it is sent, not the batch's `now`: a batch held up by slow
    # receivers ahead of this one must not send a timestamp receivers refuse as stale.
    signed = webhooks.headers(message, hook.secret, payload, int(time.time()))
    try:
        answer = http_post.post(hook.url, payload=payload, headers=signed)
    except Exception as error:
        # As for every channel: recorded and retried, never escaping to hold up the others.
        failed = error if isinstance(error, http_post.DeliveryFailed) else None
        delivery.response_code = failed.code if failed else None
        delivery.response_ms = failed.ms if failed else None
        delivery.save(update_fields=["response_code", "response_ms"])
        return _record_failure(message, error, now=now)
    delivery.response_code, delivery.response_ms = answer.code, answer.ms
    delivery.save(update_fields=["response_code", "response_ms"])
    message.status, message.sent_at, message.address = OutboxStatus.SENT, now, hook.host
    message.attempts += 1
    message.last_error = ""
    message.save(update_fields=["status", "sent_at", "address", "attempts", "last_error"])
    summary = f"Webhook {hook.pk} to {hook.host}: {message.data.get('event')}"
    return Delivery(message.pk, Outcome.SENT, summary)


def _record_failure(message: OutboxMessage, error: Exception, *, now: datetime) -> Delivery:
    message.attempts += 1
    # A webhook's failure is already in plain words for its delivery log.
    plain = isinstance(error, http_post.DeliveryFailed)
    message.last_error = (str(error) if plain else f"{type(error).__name__}: {error}")[:2000]
    if isinstance(error, Undeliverable) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
        # Only the error's type: a mail server's or provider's refusal quotes the address or
        # number, which stays out of the logs. The full text is on the row (and is purged
        # with the row's other details, participation/services/retention.py).
        logger.error(
            "Gave up on message %s after %s attempt(s): %s",
            message.pk,
            message.attempts,
            type(error).__name__,
        )
        outcome = Outcome.FAILED
    else:
        message.next_attempt_at = now + backoff(message.attempts)
        logger.warning("Sending message %s failed; trying again later.", message.pk)
        outcome = Outcome.RETRY
    message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    return Delivery(message.pk, outcome)


def deliver_many(message_ids: Iterable[int], *, now: datetime | None = None) -> list[Delivery]:
    """`deliver` each message in turn, all through one email connection: a mail server is
    greeted (and TLS agreed) once for the batch, not once a message. When the server cannot
    be reached, each message tries on its own and records its failure, to be retried; a
    connection that drops midway fails the messages after it in the same way."""
    mail: BaseEmailBackend | None = get_connection()
    try:
        mail.open()  # type: ignore[union-attr]
    except Exception:  # any refusal is each message's own failure, recorded as it sends
        mail = None
    try:
        return [deliver(message_id, now=now, mail=mail) for message_id in message_ids]
    finally:
        if mail is not None:
            mail.close()


def relay_due(*, now: datetime | None = None) -> list[Delivery]:
    """Deliver every due message, oldest first, up to OUTBOX_BATCH_SIZE per run."""
    now = now or timezone.now()
    ids = list(
        OutboxMessage.objects.due(now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[: settings.OUTBOX_BATCH_SIZE]
    )
    return deliver_many(ids, now=now)
