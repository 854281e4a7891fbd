"""What the webhooks pages show, in a fixed number of queries however many deliveries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from projects.models import Project

from ..models import PING, OutboxMessage, Webhook, WebhookDelivery, WebhookEvent

# Deliveries shown under each webhook on the list; its own page shows them all, a page at a time.
RECENT = 5


@dataclass(frozen=True)
class DeliveryRow:
    """One line of a delivery log: the delivery, its outbox row, and what its event is called."""

    delivery: WebhookDelivery
    event: str

    @property
    def message(self) -> OutboxMessage:
        return self.delivery.message


def event_name(value: str) -> str:
    if value == PING:
        return _("Test event")
    try:
        return str(WebhookEvent(value).label)
    except ValueError:
        return value


def rows(deliveries: list[WebhookDelivery]) -> list[DeliveryRow]:
    return [DeliveryRow(d, event_name(d.message.data.get("event", ""))) for d in deliveries]


def deliveries(webhook: Webhook) -> QuerySet[WebhookDelivery]:
    """The webhook's deliveries with their outbox rows, newest first (the rows hold ids and
    public facts only)."""
    return (
        WebhookDelivery.objects.filter(webhook=webhook)
        .select_related("message")
        .order_by("-message_id")
    )


def project_webhooks(project: Project) -> list[tuple[Webhook, list[DeliveryRow]]]:
    """Each webhook of the project with its RECENT latest deliveries (two queries)."""
    latest = WebhookDelivery.objects.select_related("message").order_by("-message_id")[:RECENT]
    hooks = (
        Webhook.objects.filter(project=project)
        .order_by("created_at", "pk")
        .prefetch_related(Prefetch("deliveries", queryset=latest, to_attr="recent"))
    )
    return [(hook, rows(hook.recent)) for hook in hooks]  # type: ignore[attr-defined]
