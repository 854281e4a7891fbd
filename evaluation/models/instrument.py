"""Questionnaires as data: an instrument, its items, and what each point of a scale means.

An organisation can load its own questionnaire (in the admin, or with a data migration like
`0002_built_in_instruments`) without code: the survey page, the reminders and the figures
all read the items from the database. Two instruments are built in: the stage co-production
check and the participant impact survey.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from coproduce import limits


class Asking(models.TextChoices):
    """When an instrument's questions are put to the members of a project."""

    EACH_STAGE = "each_stage", _("When each stage ends")
    START_AND_END = "start_and_end", _("When someone joins, and when the project closes")


class Moment(models.TextChoices):
    """The moment one set of answers belongs to."""

    STAGE_END = "stage_end", _("End of a stage")
    JOINING = "joining", _("On joining")
    CLOSING = "closing", _("At the close")


MOMENTS_OF: dict[str, tuple[Moment, ...]] = {
    Asking.EACH_STAGE: (Moment.STAGE_END,),
    Asking.START_AND_END: (Moment.JOINING, Moment.CLOSING),
}


class Scale(models.TextChoices):
    LADDER = "ladder", _("A rung of the ladder of co-production, 1 to 7")
    RATING = "rating", _("A rating from 1 to 5")
    TEXT = "text", _("Words")


SCALE_POINTS: dict[str, int] = {Scale.LADDER: 7, Scale.RATING: 5, Scale.TEXT: 0}


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    def in_use(self) -> InstrumentQuerySet:
        return self.filter(in_use=True)

    def asked_at(self, moment: Moment) -> InstrumentQuerySet:
        asking = [asking for asking, moments in MOMENTS_OF.items() if moment in moments]
        return self.in_use().filter(asking__in=asking)


class Instrument(models.Model):
    key = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    introduction = models.TextField(
        _("what it is for"),
        help_text=_("Shown above the questions, in plain words."),
        validators=[limits.MaxChars(limits.PROJECT_SUMMARY)],
    )
    asking = models.CharField(_("asked"), max_length=20, choices=Asking.choices)
    in_use = models.BooleanField(_("in use"), default=True)
    source = models.CharField(
        _("where the questions come from"),
        max_length=300,
        blank=True,
        help_text=_("The framework the questions follow, so readers of a report can look it up."),
    )

    objects: ClassVar[InstrumentQuerySet] = InstrumentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.name

    @property
    def moments(self) -> tuple[Moment, ...]:
        return MOMENTS_OF[self.asking]


class Item(models.Model):
    """One question. `points` holds a label and a one-sentence meaning for each point of the
    scale, lowest first: `[["Coercion", "People are made to come ..."], ...]`."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    key = models.SlugField(_("short name"), max_length=50)
    question = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint"), max_length=500, blank=True)
    scale = models.CharField(_("kind of answer"), max_length=10, choices=Scale.choices)
    points = models.JSONField(_("what each point means"), default=list, blank=True)

    class Meta:
        ordering = ["instrument", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="item_key_once"),
            models.UniqueConstraint(fields=["instrument", "position"], name="item_position_once"),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def size(self) -> int:
        """How many points the scale has (0 for words)."""
        return SCALE_POINTS[self.scale]

    def clean(self) -> None:
        points = self.points or []
        if self.scale == Scale.TEXT:
            if points:
                raise ValidationError({"points": _("A question answered in words has no scale.")})
            return
        if len(points) != self.size or not all(
            isinstance(point, list) and len(point) == 2 and all(isinstance(p, str) for p in point)
            for point in points
        ):
            raise ValidationError(
                {
                    "points": _(
                        "Give a label and a meaning for each of the %(count)d points, lowest first."
                    )
                    % {"count": self.size}
                }
            )

    @property
    def labels(self) -> list[str]:
        return [label for label, _meaning in self.points]
