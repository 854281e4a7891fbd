"""Ideas, comments and objections, and the response that closes each loop ("you said, we did")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from projects.models import Project, RecordedResponse, RecordedWithHelp, Stage


class ContributionKind(models.TextChoices):
    IDEA = "idea", _("Idea")
    COMMENT = "comment", _("Comment")
    OBJECTION = "objection", _("Concern or objection")


class Contribution(RecordedWithHelp):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contributions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contributions"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ContributionKind.choices, default=ContributionKind.IDEA
    )
    body = models.TextField(
        _("what you want to say"), validators=[limits.MaxChars(limits.CONTRIBUTION)]
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["project", "stage", "created_at"])]

    def __str__(self) -> str:
        return _("%(kind)s by %(name)s") % {"kind": self.get_kind_display(), "name": self.author}


class ContributionResponse(RecordedResponse):
    contribution = models.OneToOneField(
        Contribution, on_delete=models.CASCADE, related_name="response"
    )

    def __str__(self) -> str:
        return _("Response to %(contribution)s") % {"contribution": self.contribution}
