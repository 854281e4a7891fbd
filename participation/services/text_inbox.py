"""A co-lead marks a text the service could not act on as dealt with."""

from __future__ import annotations

from django.utils import timezone

from coproduce.models import User

from ..models import InboundText


def mark_dealt_with(*, text: InboundText, actor: User) -> bool:
    """Mark `text` as dealt with by `actor`, now. Safe to send twice (a double tap, two tabs,
    two co-leads): only the first marks it, and later ones change nothing. Returns whether this
    call marked it.

    Nothing is written to the event log: every member reads that, and a text's words and its
    sender are for co-leads only.
    """
    marked = InboundText.objects.filter(pk=text.pk, dealt_with_at__isnull=True).update(
        dealt_with_at=timezone.now(), dealt_with_by=actor
    )
    return marked == 1
