"""Activities (meetings, workshops, reviews...) and, per member, the reply, the attendance
recorded afterwards and any adjustment asked for.

Attendance is the record a payment for involvement will point at, so its rows are never
deleted with a person: an account is switched off or anonymised, never removed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from projects.models import Project, RecordedWithHelp, Stage

MAX_MINUTES = 24 * 60


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    WORKSHOP = "workshop", _("Workshop")
    DOCUMENT_REVIEW = "document_review", _("Document review")
    INTERVIEW_PANEL = "interview_panel", _("Interview panel")
    PEER_RESEARCH = "peer_research", _("Peer research")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class ActivityQuerySet(models.QuerySet["Activity"]):
    def upcoming(self, now: datetime | None = None) -> ActivityQuerySet:
        """Not started yet, soonest first."""
        return self.filter(starts_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now: datetime | None = None) -> ActivityQuerySet:
        """Started already, latest first."""
        return self.filter(starts_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def going_ahead(self) -> ActivityQuerySet:
        """Not cancelled."""
        return self.filter(cancelled_at__isnull=True)


MINUTES = [MinValueValidator(0), MaxValueValidator(MAX_MINUTES)]


class Activity(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    title = models.CharField(
        _("title"),
        max_length=limits.PROJECT_TITLE,
        validators=[limits.single_line],
        error_messages=limits.CHAR_FIELD_ERRORS,
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("how long, in minutes"), validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)]
    )
    place = models.CharField(
        _("place"),
        max_length=limits.ACTIVITY_PLACE,
        blank=True,
        validators=[limits.single_line],
        error_messages=limits.CHAR_FIELD_ERRORS,
    )
    video_link = models.URLField(_("video call link"), max_length=limits.ACTIVITY_LINK, blank=True)
    # Time around the activity that counts as taking part (and, later, as paid time).
    preparation_minutes = models.PositiveSmallIntegerField(
        _("preparation, in minutes"), default=0, validators=MINUTES
    )
    follow_up_minutes = models.PositiveSmallIntegerField(
        _("follow-up, in minutes"), default=0, validators=MINUTES
    )
    papers_sent_on = models.DateField(_("papers sent on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Set once, when it is called off before it starts; the row stays so members see why.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.TextField(
        _("why it is cancelled"), blank=True, validators=[limits.MaxChars(limits.CANCEL_REASON)]
    )

    objects: ClassVar[ActivityQuerySet] = ActivityQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["project", "stage", "starts_at"])]
        constraints = [
            # Nobody should be told "come" without being told where.
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link=""), name="activity_has_a_place_or_link"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1), name="activity_lasts_a_minute_or_more"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", kwargs={"slug": self.project.slug, "pk": self.pk})

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def total_minutes(self) -> int:
        """The time taking part asks of someone: preparation, the activity and follow-up."""
        return self.preparation_minutes + self.duration_minutes + self.follow_up_minutes

    def has_started(self, now: datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Answer(models.TextChoices):
    COMING = "coming", _("I am coming")
    NOT_COMING = "not_coming", _("I am not coming")
    NOT_SURE = "not_sure", _("I am not sure yet")


class Reply(RecordedWithHelp):
    """Whether a member says they will come. One per member per activity, changeable."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="replies")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="activity_replies"
    )
    answer = models.CharField(_("will you come?"), max_length=20, choices=Answer.choices)
    at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], name="one_reply_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_answer_display()}"


class Presence(models.TextChoices):
    ATTENDED = "attended", _("Took part")
    ABSENT = "absent", _("Did not take part")


class AttendanceQuerySet(models.QuerySet["Attendance"]):
    def took_part(self) -> AttendanceQuerySet:
        """Taking part, the one rule: recorded as having taken part in an activity that went
        ahead. A cancelled activity did not happen, so nobody took part in it whatever was
        recorded. The gate guard "lived experience took part before the proposal"
        (`participation.evidence.stage_attendees`) and the evaluation's involvement indicator
        both count with this."""
        return self.filter(presence=Presence.ATTENDED, activity__cancelled_at__isnull=True)


class Attendance(models.Model):
    """Whether a member took part, recorded after the activity. A payment points at this row."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendance"
    )
    presence = models.CharField(_("took part?"), max_length=20, choices=Presence.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects: ClassVar[AttendanceQuerySet] = AttendanceQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], name="one_attendance_per_member"),
        ]
        indexes = [models.Index(fields=["user", "presence"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_presence_display()}"

    @property
    def attended(self) -> bool:
        return self.presence == Presence.ATTENDED


class Adjustment(models.Model):
    """What one member needs to take part in one activity, and whether a co-lead provided it.
    Private: only the member and the project's co-leads see it."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="adjustments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="adjustments"
    )
    need = models.TextField(_("what you need"), validators=[limits.MaxChars(limits.ADJUSTMENT)])
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    # None until a co-lead records it: not yet known is not the same as "not provided".
    provided = models.BooleanField(_("provided"), null=True, blank=True)
    provided_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    provided_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], name="one_adjustment_per_member"),
        ]

    def __str__(self) -> str:
        return _("Adjustment for %(name)s") % {"name": self.user}
