"""Webhooks: a project's co-leads ask for its decisions to be posted to another system.

A `Webhook` is an address and a secret. When one of the events it asks for happens, an
`OutboxMessage` (channel "webhook") is written in the same transaction, holding the facts of the
event, with a `WebhookDelivery` saying which webhook it goes to; the outbox delivers it, signed
with the secret (participation/messages/webhooks.py), and the delivery keeps the receiver's
last answer for the webhook's log. The outbox's own table stays the same for every channel.

The secret has to be stored as it is, because every delivery is signed with it. It is shown to
the co-lead who made it until they say they have copied it (`secret_shown_to`), and then never
again: a lost secret is replaced by a new one, not read back.
"""

from __future__ import annotations

import secrets
from typing import ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.models import Project

from .notification import OutboxMessage

# The longest address a co-lead can give: enough for any real receiver's path and query.
URL_LENGTH = 500
# At most this many webhooks per project: each event is one request per webhook.
WEBHOOKS_PER_PROJECT = 5


def new_secret() -> str:
    """32 random bytes, as 43 URL-safe characters."""
    return secrets.token_urlsafe(32)


class WebhookEvent(models.TextChoices):
    """What a webhook can ask for; the value is the `event` of the payload."""

    VOTING_OPENED = "voting.opened", _("Voting opens on a decision")
    DECISION_MADE = "decision.made", _("Voting closes and a decision is made")
    SIGNOFF_RECORDED = "signoff.recorded", _("A commissioner signs off a decision")
    STAGE_CHANGED = "stage.changed", _("The project moves to another stage")


# The test event a co-lead sends from the webhook's page; no webhook has to ask for it.
PING = "ping"


class WebhookQuerySet(models.QuerySet["Webhook"]):
    def active(self) -> WebhookQuerySet:
        return self.filter(active=True)


class Webhook(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="webhooks")
    # Checked by participation/messages/http_post.py (when added, and again when sending).
    url = models.CharField(_("address"), max_length=URL_LENGTH)
    # Never shown in the admin or the logs, and on the site only until it is copied.
    secret = models.CharField(_("secret"), max_length=100, default=new_secret)
    # The events asked for: values of WebhookEvent.
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("on"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    # Counts the secrets this webhook has had. The button that makes a new one sends the
    # number it saw, so a second press of the same button (a double tap) changes nothing.
    secret_version = models.PositiveIntegerField(_("secret number"), default=1)
    secret_made_at = models.DateTimeField(_("secret made"), default=timezone.now)
    # The co-lead who made the secret sees it until they say they have copied it.
    secret_shown_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects: ClassVar[WebhookQuerySet] = WebhookQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        constraints = [
            # Adding the same address twice (a double tap, two tabs) adds it once.
            models.UniqueConstraint(fields=["project", "url"], name="one_webhook_per_address"),
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.host}"

    @property
    def host(self) -> str:
        """The receiving server's name, and its port when the address gives one: what the
        project's history and the admin list say ("hooks.example.org", "127.0.0.1:8773").

        Never the whole address, whose path may hold a key of the receiving system."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"  # an IPv6 address, written as in an address
        try:
            port = parts.port
        except ValueError:
            port = None
        return f"{host}:{port}" if port else host

    @property
    def label(self) -> str:
        """How pages, messages and the history name this webhook: its host and its number, so
        two webhooks to one server can be told apart ("hooks.example.org, number 3")."""
        return gettext("%(host)s, number %(number)d") % {"host": self.host, "number": self.pk}

    @property
    def recipient(self) -> str:
        """The outbox's `recipient` for this webhook's deliveries."""
        return f"webhook:{self.pk}"

    def wants(self, event: str) -> bool:
        return event == PING or event in self.events

    def event_labels(self) -> list[str]:
        return [str(event.label) for event in WebhookEvent if event.value in self.events]


class WebhookDelivery(models.Model):
    """A webhook's part of an outbox row: which webhook it goes to, and how the receiver last
    answered. The row itself has the event, its facts, the attempts and the last error."""

    message = models.OneToOneField(
        OutboxMessage, on_delete=models.CASCADE, primary_key=True, related_name="webhook_delivery"
    )
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    # The HTTP status of the last answer (none when the receiver could not be reached) and how
    # long it took. Nothing of the answer's body is kept.
    response_code = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("answered in (ms)"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.webhook} #{self.message_id}"
