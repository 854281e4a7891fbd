"""The notification outbox and each member's choices about what reaches them, and how.

An `OutboxMessage` row says "send this kind of message to this person on this occasion". It is
written in the same transaction as the change that causes it, so a message exists exactly when
its cause committed, whether or not the broker was up. Its unique key (kind, occasion,
recipient, channel) makes every writer idempotent: running a sweep again inserts nothing.
The row holds ids, never a rendered message or a link token; the message is rendered when sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Project

from .invitation import Invitation


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    # A signed request to the address of a project's webhook (participation/models/webhooks.py).
    WEBHOOK = "webhook", _("Webhook")


class ChannelChoice(models.TextChoices):
    """What a member asks for; `BOTH` becomes one outbox row per channel."""

    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    BOTH = "both", _("Both email and text message")


class Topic(models.TextChoices):
    """What a member can switch off. Each value is also a field of NotificationPreference."""

    VOTING_OPENED = "voting_opened", _("When voting opens on a stage decision")
    VOTING_REMINDERS = (
        "voting_reminders",
        _("Reminders before voting closes, if you have not voted yet"),
    )
    DECISIONS = "decisions", _("The result of each decision, and each commissioner's sign-off")
    SIGNOFF_REQUESTS = (
        "signoff_requests",
        _("Requests and reminders to sign off a decision (for commissioners)"),
    )
    RESPONSES = "responses", _("When someone answers an idea, comment or objection of yours")
    ACTIVITY_REMINDERS = "activity_reminders", _("A reminder the day before each activity")


class MessageKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    INVITATION_REMINDER = "invitation_reminder", _("Invitation reminder")
    VOTING_OPENED = "voting_opened", _("Voting opened")
    VOTING_CLOSING = "voting_closing", _("Voting closes soon")
    DECISION_MADE = "decision_made", _("Decision made")
    SIGNOFF_REQUESTED = "signoff_requested", _("Sign-off requested")
    SIGNOFF_REMINDER = "signoff_reminder", _("Sign-off reminder")
    SIGNOFF_RECORDED = "signoff_recorded", _("Sign-off recorded")
    RESPONSE_RECORDED = "response_recorded", _("Response to what you said")
    ACTIVITY_TOMORROW = "activity_tomorrow", _("Activity tomorrow")
    ACTIVITY_CANCELLED = "activity_cancelled", _("Activity cancelled")
    SURVEY_REQUEST = "survey_request", _("Survey to answer")
    SURVEY_REMINDER = "survey_reminder", _("Survey reminder")
    TEXT_REPLY = "text_reply", _("Answer to a text message")
    HELP_CODE = "help_code", _("Code to confirm a record made with help")
    WEBHOOK = "webhook", _("Webhook event")


# Which switch turns each kind off. Invitations have none: the invitee has no account yet,
# and is reminded at most twice. A cancelled activity has none: someone who said they would
# come must hear it is off, or they travel for nothing. Surveys have none either: saying no
# to "evaluation surveys" on the consent page is their switch, so there is one place to say it.
TOPIC_OF_KIND: dict[str, Topic] = {
    MessageKind.VOTING_OPENED: Topic.VOTING_OPENED,
    MessageKind.VOTING_CLOSING: Topic.VOTING_REMINDERS,
    MessageKind.DECISION_MADE: Topic.DECISIONS,
    MessageKind.SIGNOFF_RECORDED: Topic.DECISIONS,
    MessageKind.SIGNOFF_REQUESTED: Topic.SIGNOFF_REQUESTS,
    MessageKind.SIGNOFF_REMINDER: Topic.SIGNOFF_REQUESTS,
    MessageKind.RESPONSE_RECORDED: Topic.RESPONSES,
    MessageKind.ACTIVITY_TOMORROW: Topic.ACTIVITY_REMINDERS,
}


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not needed any more")
    FAILED = "failed", _("Gave up after repeated failures")


class OutboxQuerySet(models.QuerySet["OutboxMessage"]):
    def due(self, now: datetime | None = None) -> OutboxQuerySet:
        return self.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now or timezone.now())


class OutboxMessage(models.Model):
    kind = models.CharField(_("kind"), max_length=30, choices=MessageKind.choices)
    # What happened, e.g. "gate:12:closing:24h": the same occasion never sends twice.
    occasion = models.CharField(_("occasion"), max_length=120)
    # "user:<pk>", "invitation:<pk>" or "webhook:<pk>": part of the unique key, so never null.
    recipient = models.CharField(_("recipient"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="outbox_messages"
    )
    # Ids and numbers the message is rendered from, e.g. {"gate": 12, "hours": 24}; for a
    # webhook, the event and its facts as they were when it happened (sent as they are; the
    # webhook and its receiver's answers are on the row's `webhook_delivery`).
    data = models.JSONField(_("data"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    address = models.CharField(_("sent to"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects: ClassVar[OutboxQuerySet] = OutboxQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "occasion", "recipient", "channel"],
                name="one_message_per_occasion",
            ),
        ]
        indexes = [
            # The relay's query: pending rows whose next attempt is due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outbox_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} by {self.channel}"

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.occasion, self.recipient, self.channel)


class NotificationPreference(models.Model):
    """One member's choices. No row means the defaults: email, everything on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    channel = models.CharField(
        _("how we contact you"),
        max_length=10,
        choices=ChannelChoice.choices,
        default=ChannelChoice.EMAIL,
    )
    voting_opened = models.BooleanField(Topic.VOTING_OPENED.label, default=True)
    voting_reminders = models.BooleanField(Topic.VOTING_REMINDERS.label, default=True)
    decisions = models.BooleanField(Topic.DECISIONS.label, default=True)
    signoff_requests = models.BooleanField(Topic.SIGNOFF_REQUESTS.label, default=True)
    responses = models.BooleanField(Topic.RESPONSES.label, default=True)
    activity_reminders = models.BooleanField(Topic.ACTIVITY_REMINDERS.label, default=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("notification choice")
        verbose_name_plural = _("notification choices")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_channel_display()}"

    def wants(self, topic: Topic | str) -> bool:
        return bool(getattr(self, Topic(topic).value))
