"""Celery tasks for notifications and retention. Each takes ids (or nothing), re-reads the
database and is idempotent.

Delivery is at least once (acks late, see settings): a task may run twice, and running twice
sends nothing twice, because each outbox row is locked, checked and marked in one transaction.
A failed send is retried by the outbox itself (its next attempt is a time in the database,
picked up by `relay_outbox`), so no task sits on the broker with a long countdown. The tasks
retry on their own only when the database is briefly unreachable: a few times, with
exponential backoff and jitter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import ParamSpec, TypeVar

from celery import Task, shared_task
from django.db import DatabaseError

from .services import outbox, reminders, retention

P = ParamSpec("P")
R = TypeVar("R")

# Retry only when the database is briefly unreachable: exponential backoff from 5 s, capped
# at 2 minutes, with jitter, at most five times. Short waits stay far below the broker's
# visibility timeout, so a waiting retry is never handed to a second worker.


def outbox_task(function: Callable[P, R]) -> Task[P, R]:
    """A task of this module: acknowledged late, retried only on database trouble."""
    return shared_task(
        autoretry_for=(DatabaseError,),
        retry_backoff=5,
        retry_backoff_max=120,
        retry_jitter=True,
        max_retries=5,
        acks_late=True,
    )(function)


@outbox_task
def deliver_messages(message_ids: list[int]) -> int:
    """Send these outbox messages now; kicked right after the transaction that wrote them.

    Messages already sent, not yet due or held by another worker are left alone.
    Returns how many were sent.
    """
    deliveries = outbox.deliver_many(message_ids)
    return sum(1 for d in deliveries if d.outcome == outbox.Outcome.SENT)


@outbox_task
def relay_outbox() -> int:
    """Send every due message (beat, every minute): the safety net for lost kicks and retries.

    Overlapping runs are harmless: each row is locked while it is sent.
    """
    deliveries = outbox.relay_due()
    return sum(1 for d in deliveries if d.outcome == outbox.Outcome.SENT)


@outbox_task
def send_reminders() -> int:
    """Queue the reminders due now and send them (beat, every five minutes).

    A reminder's window is hours or days wide and its occasion is unique, so a run that is
    late, repeated or overlapping still sends each reminder once.
    """
    queued = reminders.queue_due_reminders()
    deliveries = outbox.deliver_many(message.pk for message in queued)
    return sum(1 for d in deliveries if d.outcome == outbox.Outcome.SENT)


@outbox_task
def purge_expired() -> dict[str, int]:
    """Remove personal data past its retention period (beat, nightly; see services.retention).

    Works in short batches that skip rows another run holds, and purged rows no longer match,
    so a retry or an overlapping run removes nothing twice. Returns the counts per kind.
    """
    return asdict(retention.purge_expired())
