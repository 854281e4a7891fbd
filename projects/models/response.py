"""What a recorded response to something a member said has in common ("you said, we did").

Objections to a decision (here) and ideas, comments and concerns (in `participation`) each get
at most one response. Both kinds read alike: what happened (the outcome) and the words, which
say what was done, or why not.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce import limits


class ResponseOutcome(models.TextChoices):
    DONE = "done", _("Done")
    PARTLY_DONE = "partly_done", _("Partly done")
    NOT_DONE = "not_done", _("Not done")
    # Responses written before an outcome was asked for: nobody said whether it was done, so
    # none is made up for them. New responses always choose one of the three above.
    NOT_SAID = "", _("Not said")


# What a co-lead chooses from when responding.
CHOSEN_OUTCOMES = [ResponseOutcome.DONE, ResponseOutcome.PARTLY_DONE, ResponseOutcome.NOT_DONE]


class RecordedResponse(models.Model):
    outcome = models.CharField(
        _("what happened"),
        max_length=20,
        choices=ResponseOutcome.choices,
        blank=True,
        default=ResponseOutcome.NOT_SAID,
    )
    body = models.TextField(
        _("what we did, or why not"), validators=[limits.MaxChars(limits.RESPONSE)]
    )
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    # 1 when first recorded, one more at each change: the person who raised the item is told
    # once per version (the version is part of the message's natural key).
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True

    @property
    def words_heading(self) -> str:
        """ "What we did" or "Why not", to head the words (plain "Our response" when the
        outcome was never said)."""
        if self.outcome == ResponseOutcome.NOT_DONE:
            return str(_("Why not"))
        if self.outcome in (ResponseOutcome.DONE, ResponseOutcome.PARTLY_DONE):
            return str(_("What we did"))
        return str(_("Our response"))
