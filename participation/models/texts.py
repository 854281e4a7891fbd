"""Texts that members send in: replies to a voting text, and what the service made of each.

Every inbound text is kept, once (its provider's message id is unique), with what the service
did about it and the answer it texted back. A text it could not act on is shown to the co-leads
of the sender's projects until one of them marks it as dealt with, so no one's voice is
silently dropped.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Gate, Project

# The longest text kept whole: ten concatenated texts. Longer ones are cut, and say so.
INBOUND_TEXT_LIMIT = 1_600


class TextOutcome(models.TextChoices):
    VOTED = "voted", _("Vote recorded")
    VOTE_CHANGED = "vote_changed", _("Vote changed")
    SAME_VOTE = "same_vote", _("Same vote again")
    ASKED_WHY = "asked_why", _("Asked why they said NO")
    ASKED_WHICH = "asked_which", _("Asked which decision")
    CLOSED = "closed", _("Voting had closed")
    NO_OPEN_VOTE = "no_open_vote", _("No vote open for them")
    REFUSED = "refused", _("Vote refused")
    NOT_UNDERSTOOD = "not_understood", _("Not understood")
    TOO_MANY = "too_many", _("Too many texts; not answered")
    UNKNOWN_NUMBER = "unknown_number", _("Number not linked to a member")
    STOPPED = "stopped", _("Asked for no more texts")
    RESTARTED = "restarted", _("Asked for texts again")
    HOW_TO = "how_to", _("Asked how to reply")
    ABOUT_HELP_CODE = "about_help_code", _("About a record made with help")


# What co-leads are shown, to read and act on.
NEEDS_A_PERSON = (
    TextOutcome.NOT_UNDERSTOOD,
    TextOutcome.NO_OPEN_VOTE,
    TextOutcome.TOO_MANY,
    TextOutcome.REFUSED,
    # Someone who will get no more texts needs a person to reach them another way.
    TextOutcome.STOPPED,
)


class InboundTextQuerySet(models.QuerySet["InboundText"]):
    def to_look_at(self, project_id: int) -> InboundTextQuerySet:
        """Texts from this project's members that no one has dealt with yet."""
        return self.filter(
            projects=project_id, outcome__in=NEEDS_A_PERSON, dealt_with_at__isnull=True
        )


class InboundText(models.Model):
    provider = models.CharField(_("provider"), max_length=30)
    message_id = models.CharField(_("provider's message id"), max_length=100)
    sender = models.CharField(_("from"), max_length=32)
    body = models.TextField(_("text"), blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_texts",
    )
    gate = models.ForeignKey(
        Gate, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_texts"
    )
    outcome = models.CharField(_("what we did"), max_length=20, choices=TextOutcome.choices)
    # A NO without a reason: the vote counts once the reason arrives in a later text.
    awaiting_reason = models.BooleanField(_("waiting for a reason"), default=False)
    reply = models.TextField(_("our answer"), blank=True)
    # The projects whose co-leads see it, when no one could act on it.
    projects = models.ManyToManyField(Project, blank=True, related_name="inbound_texts")
    dealt_with_at = models.DateTimeField(_("dealt with"), null=True, blank=True)
    dealt_with_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects: ClassVar[InboundTextQuerySet] = InboundTextQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("text received")
        verbose_name_plural = _("texts received")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "message_id"], name="one_row_per_inbound_text"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "gate"],
                condition=Q(awaiting_reason=True),
                name="inbound_awaiting_reason",
            ),
        ]

    def __str__(self) -> str:
        # Never the words: "NO 012" is a vote's direction, hidden while voting is open.
        return _("Text from %(sender)s") % {"sender": self.user or self.sender}
