"""Records made with help: a vote, an idea or a reply to an activity that a practitioner or
co-lead records for an expert by experience who asked for help, in person or by phone.

The record waits here until the member confirms it with a one-time code sent to their phone
or email, and only then becomes the member's vote, idea or reply (marked as made with help).
A member with neither gets the record at once, marked "recorded with help, not confirmed".
The code is never stored: it is worked out from the row and the site's secret key whenever it
is sent or checked (see `participation.services.assistance`).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from projects.models import Choice, Gate, Project

from .activity import Activity, Answer
from .contribution import ContributionKind


class HelpKind(models.TextChoices):
    VOTE = "vote", _("A vote")
    IDEA = "idea", _("An idea or comment")
    REPLY = "reply", _("Whether they will come to an activity")


class HelpStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the member to confirm")
    CONFIRMED = "confirmed", _("Confirmed by the member")
    NOT_CONFIRMED = "not_confirmed", _("Recorded with help, not confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class HelpRequestQuerySet(models.QuerySet["HelpRequest"]):
    def waiting(self, now: datetime | None = None) -> HelpRequestQuerySet:
        return self.filter(status=HelpStatus.WAITING, expires_at__gt=now or timezone.now())


class HelpRequest(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="help_requests")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_requests"
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("what was recorded"), max_length=10, choices=HelpKind.choices)
    gate = models.ForeignKey(
        Gate, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices, blank=True)
    answer = models.CharField(
        _("will they come?"), max_length=20, choices=Answer.choices, blank=True
    )
    # What kind of contribution an idea is (an idea, a comment or a concern).
    contribution_kind = models.CharField(
        _("kind of contribution"), max_length=20, choices=ContributionKind.choices, blank=True
    )
    # The reason for an objection, or the idea itself.
    body = models.TextField(
        _("their words"), blank=True, validators=[limits.MaxChars(limits.CONTRIBUTION)]
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    expires_at = models.DateTimeField(_("code expires"))
    # Where the code went ("text" or "email"), or "" when the member has neither.
    code_sent_by = models.CharField(_("code sent by"), max_length=10, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    # How many times the code was sent: each send is its own outbox message.
    sends = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=HelpStatus.choices, default=HelpStatus.WAITING
    )
    done_at = models.DateTimeField(_("confirmed or cancelled"), null=True, blank=True)

    objects: ClassVar[HelpRequestQuerySet] = HelpRequestQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("record made with help")
        verbose_name_plural = _("records made with help")
        indexes = [
            models.Index(
                fields=["project", "member"],
                condition=Q(status="waiting"),
                name="help_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member}"

    @property
    def is_waiting(self) -> bool:
        return self.status == HelpStatus.WAITING

    def has_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())
