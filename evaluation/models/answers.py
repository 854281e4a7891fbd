"""One person's answers to one instrument, for one project, at one moment.

A set of answers keeps who gave it only so that a person answers once per moment and can
change their answers: pages and downloads show figures for a group, and a comment with a name
only when the person chose to give it. `group` is the person's role when they answered, so a
later change of role does not move their answers to the other group.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from projects.models import Project, Role, Stage

from .instrument import Instrument, Item, Moment

# Three answers from a group is the fewest from which no one answer can be worked out by
# someone who knows how the others answered (issue 11; the same rule as the small-cell
# suppression of official statistics).
MIN_ANSWERS = 3

COMMENT = 2_000  # a few paragraphs about how a stage went


class SurveyResponse(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="survey_responses")
    moment = models.CharField(_("when"), max_length=20, choices=Moment.choices)
    # The stage the answers are about: the stage that ended, or the project's stage when the
    # person joined or the project closed.
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # erasing an account keeps the figures, not the person
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    group = models.CharField(_("group"), max_length=30, choices=Role.choices)
    named = models.BooleanField(
        _("the project team may see my name with my comment"), default=False
    )
    submitted_at = models.DateTimeField(_("answered"), default=timezone.now)
    changed_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("set of survey answers")
        verbose_name_plural = _("sets of survey answers")
        constraints = [
            # One set per person per moment: a double tap changes, never adds.
            models.UniqueConstraint(
                fields=["instrument", "project", "moment", "stage", "respondent"],
                condition=Q(respondent__isnull=False),
                name="one_survey_response_per_moment",
            ),
        ]
        indexes = [models.Index(fields=["project", "instrument", "moment", "stage"])]

    def __str__(self) -> str:
        return f"{self.instrument} for {self.project} ({self.get_moment_display()})"


class ItemAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    text = models.TextField(_("comment"), blank=True, validators=[limits.MaxChars(COMMENT)])

    class Meta:
        ordering = ["response", "item__position"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=7),
                name="answer_on_a_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.key}: {self.value if self.value is not None else self.text[:30]}"
