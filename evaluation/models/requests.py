"""Who was asked to answer which questionnaire, for which project, moment and stage.

A request is written when the moment comes (a stage ends, someone joins, the project closes),
in the same transaction, with the message that asks. Its unique key (instrument, project,
moment, stage, person) makes asking idempotent: a signal sent twice, a retried task or a
double tap finds the request already there and asks nobody again. `reminded_at` is set when
the one reminder is queued, so a person is reminded once at most; `answered_at` when they save
their answers, so nobody is reminded of a survey they have answered.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Project, Stage

from .instrument import Instrument, Moment


class SurveyRequestQuerySet(models.QuerySet["SurveyRequest"]):
    def waiting(self) -> SurveyRequestQuerySet:
        """Not answered yet."""
        return self.filter(answered_at__isnull=True)

    def mark_answered(
        self,
        *,
        instrument: Instrument,
        project_id: int,
        moment: str,
        stage: str,
        user_id: int,
        at: datetime,
    ) -> int:
        """Record that the person answered what they were asked at this moment (one query);
        returns how many requests that was (0 or 1)."""
        return (
            self.waiting()
            .filter(
                instrument=instrument,
                project_id=project_id,
                moment=moment,
                stage=stage,
                user_id=user_id,
            )
            .update(answered_at=at)
        )

    def reminder_due(self, now: datetime, after: timedelta) -> SurveyRequestQuerySet:
        """Unanswered, never reminded, and asked at least `after` before `now`."""
        return self.waiting().filter(reminded_at__isnull=True, asked_at__lte=now - after)


class SurveyRequest(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="requests")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="survey_requests")
    moment = models.CharField(_("when"), max_length=20, choices=Moment.choices)
    # The stage the answers are about (the same meaning as SurveyResponse.stage).
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="survey_requests",
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects: ClassVar[SurveyRequestQuerySet] = SurveyRequestQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("survey request")
        verbose_name_plural = _("survey requests")
        constraints = [
            # Asked once per moment: a double signal or a retried task finds this row.
            models.UniqueConstraint(
                fields=["instrument", "project", "moment", "stage", "user"],
                name="one_survey_request_per_moment",
            ),
        ]
        indexes = [
            # The reminder sweep's query: unanswered requests, oldest first.
            models.Index(
                fields=["asked_at"],
                condition=models.Q(answered_at__isnull=True, reminded_at__isnull=True),
                name="survey_reminder_due_idx",
            ),
            models.Index(fields=["user", "answered_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} for {self.user} in {self.project} ({self.get_moment_display()})"

    def get_absolute_url(self) -> str:
        """The survey page (needs `project` and `instrument` loaded to avoid queries)."""
        return survey_url(self.project.slug, self.instrument.key, self.moment, self.stage)

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def occasion(self) -> str:
        """What the questions are about, in a few words: "about the design stage", "now you
        have joined", "now the project has closed"."""
        if self.moment == Moment.STAGE_END:
            return _("about the %(stage)s stage") % {"stage": Stage(self.stage).label.lower()}
        if self.moment == Moment.JOINING:
            return str(_("now you have joined"))
        return str(_("now the project has closed"))


def survey_url(slug: str, key: str, moment: str, stage: str) -> str:
    return reverse(
        "surveys:answer", kwargs={"slug": slug, "key": key, "moment": moment, "stage": stage}
    )
