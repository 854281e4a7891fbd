"""Retention: personal data the platform no longer needs goes on a schedule.

Three kinds, each with its period in settings (the README states the defaults):

- **Message details** (`RETENTION_MESSAGE_DAYS`, 90): an outgoing message is rendered when it
  is sent and its words are never stored, so what an outbox row keeps of the person is the
  address it went to and the error text of a failed send (a mail server's refusal quotes the
  address). Both are blanked this many days after the message was sent (or, for one that never
  went, was written). The row stays: who it was for (`user:<pk>`), its kind, channel, status
  and when it was sent remain the evidence that the person was told. The words of texts members
  sent in, and of our answers, are blanked after the same period; the text row, its outcome and
  the vote it made stay. A text still waiting for a co-lead to deal with it, or a NO still
  waiting for its reason, keeps its words until that is done.
- **Expired invitations** (`RETENTION_INVITATION_DAYS`, 90): an invitation never accepted is
  deleted this many days after it expired or was withdrawn, with its own messages. The
  project's history keeps "X invited someone to join as Y", which never named the person.
  An accepted invitation is the record of how a member joined and is kept.
- **Invitation links** (`RETENTION_LINK_DAYS`, 0): the random nonce that, with SECRET_KEY,
  rebuilds an invitation's link is cleared this many days after the link stopped working
  (accepted, expired or withdrawn). Without it nobody, not even someone holding the key and a
  copy of the database, can make the link again. The token's hash stays, so an old link is
  still recognised and its page says the invitation has expired rather than "not found";
  sending the invitation again draws a new nonce, as it always did for a dead link.

Sign-in codes by email or text live in the session, and `clear_expired_sessions` deletes
sessions nightly; codes for records made with help are never stored (worked out from the row).

Purging runs in bounded batches, each in its own transaction, locking its rows with SKIP
LOCKED on PostgreSQL, so two overlapping runs never wait for each other and a run killed
halfway loses nothing but its unfinished batch. Each row's test for being due includes "not yet
purged", so a retry, or a second run, finds nothing more to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import InboundText, Invitation, OutboxMessage, OutboxStatus
from ..models.texts import NEEDS_A_PERSON


@dataclass(frozen=True)
class Purged:
    """How many rows each kind of purge changed (or, in a dry run, would change)."""

    message_details: int = 0  # outbox rows whose address and error text were blanked
    text_words: int = 0  # texts received whose words and our answer were blanked
    invitations: int = 0  # expired or withdrawn invitations deleted
    invitation_links: int = 0  # invitations whose link nonce was cleared

    @property
    def total(self) -> int:
        return self.message_details + self.text_words + self.invitations + self.invitation_links


def _days_before(now: datetime, setting: str) -> datetime:
    return now - timedelta(days=getattr(settings, setting))


def message_details_due(now: datetime) -> QuerySet[OutboxMessage]:
    """Outbox rows, sent or given up on more than RETENTION_MESSAGE_DAYS ago, that still hold
    an address or an error text. Pending rows are never touched: they still have to go."""
    cutoff = _days_before(now, "RETENTION_MESSAGE_DAYS")
    finished = Q(sent_at__lte=cutoff) | Q(
        sent_at__isnull=True,
        status__in=[OutboxStatus.SKIPPED, OutboxStatus.FAILED],
        created_at__lte=cutoff,
    )
    return OutboxMessage.objects.filter(finished).exclude(address="", last_error="")


def text_words_due(now: datetime) -> QuerySet[InboundText]:
    """Texts received more than RETENTION_MESSAGE_DAYS ago that still hold words, except those
    a person still has to act on."""
    cutoff = _days_before(now, "RETENTION_MESSAGE_DAYS")
    waiting_for_a_person = Q(outcome__in=NEEDS_A_PERSON, dealt_with_at__isnull=True)
    return (
        InboundText.objects.filter(received_at__lte=cutoff)
        .exclude(body="", reply="")
        .exclude(waiting_for_a_person | Q(awaiting_reason=True))
    )


def invitations_due(now: datetime) -> QuerySet[Invitation]:
    """Invitations never accepted that expired, or were withdrawn, more than
    RETENTION_INVITATION_DAYS ago."""
    cutoff = _days_before(now, "RETENTION_INVITATION_DAYS")
    return Invitation.objects.unanswered().filter(
        Q(expires_at__lte=cutoff) | Q(revoked_at__lte=cutoff)
    )


def invitation_links_due(now: datetime) -> QuerySet[Invitation]:
    """Invitations whose link stopped working more than RETENTION_LINK_DAYS ago (accepted,
    withdrawn or expired) and whose nonce is still there."""
    cutoff = _days_before(now, "RETENTION_LINK_DAYS")
    dead = Q(accepted_at__lte=cutoff) | Q(revoked_at__lte=cutoff) | Q(expires_at__lte=cutoff)
    return Invitation.objects.filter(dead).exclude(token_nonce="")


def _in_batches(due: QuerySet[Any], act: Callable[[QuerySet[Any]], int], *, batch_size: int) -> int:
    """Apply `act` to the rows of `due`, `batch_size` at a time, one transaction per batch.

    Each batch locks its rows and skips rows another run holds. `act` must take each row out
    of `due` (blank it, delete it), or the loop would meet the same rows again; it stops as
    soon as a batch changes nothing. Returns how many rows `act` reported.
    """
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                due.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            changed = act(due.model.objects.filter(pk__in=ids)) if ids else 0
        done += changed
        if len(ids) < batch_size or changed == 0:
            return done


def _deleted(rows: QuerySet[Invitation]) -> int:
    # Deleting an invitation takes its outbox rows with it (on_delete CASCADE); only the
    # invitations themselves are counted.
    return rows.delete()[1].get(Invitation._meta.label, 0)


def purge_expired(
    *, now: datetime | None = None, dry_run: bool = False, batch_size: int | None = None
) -> Purged:
    """Purge every kind in the module docstring whose period has passed at `now`.

    With `dry_run`, only count what would go. `batch_size` (rows per transaction) defaults to
    RETENTION_BATCH_SIZE. Safe to run any number of times and alongside itself. Returns the
    counts per kind.
    """
    now = now or timezone.now()
    size = batch_size or settings.RETENTION_BATCH_SIZE
    messages = message_details_due(now)
    texts = text_words_due(now)
    invitations = invitations_due(now)
    links = invitation_links_due(now)
    if dry_run:
        # A link is counted once: an invitation about to be deleted is not also "cleared".
        return Purged(
            message_details=messages.count(),
            text_words=texts.count(),
            invitations=invitations.count(),
            invitation_links=links.exclude(pk__in=invitations.values("pk")).count(),
        )
    return Purged(
        message_details=_in_batches(
            messages, lambda rows: rows.update(address="", last_error=""), batch_size=size
        ),
        text_words=_in_batches(texts, lambda rows: rows.update(body="", reply=""), batch_size=size),
        invitations=_in_batches(invitations, _deleted, batch_size=size),
        invitation_links=_in_batches(
            links, lambda rows: rows.update(token_nonce=""), batch_size=size
        ),
    )
