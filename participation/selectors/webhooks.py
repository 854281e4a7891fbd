"""What the webhooks pages show, in a fixed number of queries however many deliveries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from projects.models import Project

from ..models import PING, OutboxMessage, Webhook, WebhookEvent

# Deliveries shown under each webhook on the list; its own page shows them all, a page at a time.
RECENT = 5


@dataclass(frozen=True)
class DeliveryRow:
    """One line of a delivery log: the outbox row and what its event is called."""

    message: OutboxMessage
    event: str


def event_name(value: str) -> str:
    if value == PING:
        return _("Test event")
    try:
        return str(WebhookEvent(value).label)
    except ValueError:
        return value


def rows(messages: list[OutboxMessage]) -> list[DeliveryRow]:
    return [DeliveryRow(message, event_name(message.data.get("event", ""))) for message in messages]


def deliveries(webhook: Webhook) -> QuerySet[OutboxMessage]:
    """The webhook's deliveries, newest first; the row's `data` holds no personal data."""
    return OutboxMessage.objects.filter(webhook=webhook).order_by("-created_at", "-pk")


def project_webhooks(project: Project) -> list[tuple[Webhook, list[DeliveryRow]]]:
    """Each webhook of the project with its RECENT latest deliveries (two queries)."""
    latest = OutboxMessage.objects.order_by("-created_at", "-pk")[:RECENT]
    hooks = (
        Webhook.objects.filter(project=project)
        .order_by("created_at", "pk")
        .prefetch_related(Prefetch("deliveries", queryset=latest, to_attr="recent"))
    )
    return [(hook, rows(hook.recent)) for hook in hooks]  # type: ignore[attr-defined]
