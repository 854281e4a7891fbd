"""What the team writes into its evaluation report: the summary written together, and the
findings of peer research.

The summary keeps every saved version with who saved it, so nothing anyone wrote is lost and
the report can say who wrote what. Two people editing at once are kept apart by the version
number (see `evaluation.services.report.save_summary`). A finding shows its author's name
only when they asked for it (`named`) and they have not said no to being quoted (the site's one
rule, participation's `unquotable_ids`); ticking the box never changes their consent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from participation.models import Activity
from projects.models import Project

# Each part of the summary: a few paragraphs, about a printed page (GRIPP2's short form asks
# for a paragraph on each).
SUMMARY_PART = 3_000
FINDING = 5_000  # what was found: two printed pages
METHOD = 300  # "Six interviews at the day centre, by two peer researchers"


class TeamSummary(models.Model):
    """A project's summary, as its latest saved version; `version` is that version's number
    (0 before anyone saved one)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="team_summary")
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("team summary")
        verbose_name_plural = _("team summaries")

    def __str__(self) -> str:
        return f"{self.project} (version {self.version})"


LABELS = {
    "aim": _("What the project set out to do"),
    "taking_part": _("How people took part"),
    "results": _("What came of it"),
    "lived_experience": _("What changed because of lived experience"),
    "differently": _("What we would do differently"),
}


class SummaryVersion(models.Model):
    """One saved version of a team summary, never changed afterwards."""

    # The parts, in the order the report shows them (GRIPP2 short form).
    PARTS = ("aim", "taking_part", "results", "lived_experience", "differently")

    summary = models.ForeignKey(TeamSummary, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,  # erasing an account keeps what the team wrote
        null=True,
        blank=True,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)
    aim = models.TextField(
        _("What the project set out to do"),
        blank=True,
        validators=[limits.MaxChars(SUMMARY_PART)],
    )
    taking_part = models.TextField(
        _("How people took part"), blank=True, validators=[limits.MaxChars(SUMMARY_PART)]
    )
    results = models.TextField(
        _("What came of it"), blank=True, validators=[limits.MaxChars(SUMMARY_PART)]
    )
    lived_experience = models.TextField(
        _("What changed because of lived experience"),
        blank=True,
        validators=[limits.MaxChars(SUMMARY_PART)],
    )
    differently = models.TextField(
        _("What we would do differently"), blank=True, validators=[limits.MaxChars(SUMMARY_PART)]
    )

    class Meta:
        ordering = ["summary", "-number"]
        verbose_name = _("version of a team summary")
        verbose_name_plural = _("versions of team summaries")
        constraints = [
            # Two saves made from the same version cannot both become the next one.
            models.UniqueConstraint(fields=["summary", "number"], name="summary_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.summary.project} version {self.number}"

    def parts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.PARTS}

    def labelled_parts(self) -> list[tuple[str, str]]:
        """[(what the part is, its text), ...] in report order, written parts only."""
        return [
            (str(LABELS[name]), getattr(self, name)) for name in self.PARTS if getattr(self, name)
        ]


class Finding(models.Model):
    """What a member found in an evaluation activity they led (peer research)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="findings")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,  # erasing an account keeps the finding, without the name
        null=True,
        blank=True,
        related_name="findings",
    )
    title = models.CharField(
        _("title"),
        max_length=limits.PROJECT_TITLE,
        validators=[limits.single_line],
        error_messages=limits.CHAR_FIELD_ERRORS,
    )
    found = models.TextField(_("what was found"), validators=[limits.MaxChars(FINDING)])
    method = models.CharField(
        _("how it was found"),
        max_length=METHOD,
        validators=[limits.single_line],
        error_messages=limits.CHAR_FIELD_ERRORS,
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    # The author asked for their name to be shown; it is shown only while their consent to be
    # quoted also stands.
    named = models.BooleanField(_("show my name with it"), default=False)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.title
