"""Stage gates: the joint decision to move a project on, its votes and its sign-off."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce import limits

from .project import Project, Stage
from .response import RecordedResponse


class GateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for votes")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses of a decision that is still going: a project has at most one at a time.
IN_PROGRESS = (GateStatus.DRAFT, GateStatus.OPEN)

# The reason stored on a gate that closed early because, after people left, one group could
# no longer cast enough votes: not decided, which is not the same as rejected.
QUORUM_UNREACHABLE = "quorum_unreachable"


class GateOutcome(models.TextChoices):
    """Where a decision stands, sign-off included: the one answer every page shows."""

    DRAFT = "draft", _("Proposed, voting has not started")
    OPEN = "open", _("Open for votes")
    PASSED = "passed", _("Passed")
    NOT_PASSED = "not_passed", _("Not passed")
    AWAITING_SIGNOFF = "awaiting_signoff", _("Passed, waiting for a commissioner's sign-off")
    NOT_ASSURED = "not_assured", _("Passed, but a commissioner was not assured")
    NOT_DECIDED = "not_decided", _("Not decided: too few people left to reach the quorum")
    WITHDRAWN = "withdrawn", _("Withdrawn before voting")


class GateQuerySet(models.QuerySet["Gate"]):
    def with_proposed_at(self) -> GateQuerySet:
        """Each row with `proposed`: when the proposal took its present wording, first written
        or last revised (the database twin of `Gate.proposed_at`)."""
        return self.annotate(proposed=Coalesce("revised_at", "created_at"))

    def in_progress(self) -> GateQuerySet:
        """A draft or an open vote: what stops a second proposal."""
        return self.filter(status__in=IN_PROGRESS)

    def open(self) -> GateQuerySet:
        return self.filter(status=GateStatus.OPEN)

    def drafts(self) -> GateQuerySet:
        """Proposed, not yet open for votes: a co-lead can change, open or withdraw them."""
        return self.filter(status=GateStatus.DRAFT)

    def open_vote(self, project_id: int) -> Gate | None:
        """The project's open vote, if any (a project has at most one decision in progress).

        While it is open, nobody in its electorate (`Gate.in_electorate`) can be removed or
        change role: the members page and the membership services both ask this.
        """
        return self.open().filter(project_id=project_id).first()

    def due(self, now: datetime | None = None) -> GateQuerySet:
        """Open gates whose voting window has ended."""
        return self.open().filter(closes_at__lte=now or timezone.now())

    def awaiting_signoff(self) -> GateQuerySet:
        return self.filter(
            status=GateStatus.CLOSED, passed=True, signoff_required=True, signoff__isnull=True
        )


class Gate(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="gates"
    )
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage.choices)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    proposal = models.TextField(
        _("the proposal"),
        help_text=_("What you are asking everyone to decide, in plain language."),
        validators=[limits.MaxChars(limits.PROPOSAL)],
    )
    what_changes = models.TextField(
        _("what changes if it passes"),
        help_text=_("What will be different for people if this is agreed."),
        validators=[limits.MaxChars(limits.WHAT_CHANGES)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=GateStatus.choices, default=GateStatus.DRAFT
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    # When the text of a draft last changed. The "experts by experience took part before the
    # proposal" check counts from here, so a proposal reworked after hearing them counts.
    revised_at = models.DateTimeField(_("proposal last changed"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    # When voting closed, or when a draft was withdrawn.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    reason = models.CharField(_("outcome reason"), max_length=30, blank=True)
    results = models.JSONField(_("results per group"), default=dict, blank=True)
    signoff_required = models.BooleanField(_("needs commissioner sign-off"), default=False)
    # Fixed when voting opens, so nobody can change the outcome mid-vote by moving members
    # between groups, removing them, or switching the decision rule:
    # electorate maps each voter's user id (as a string) to their bloc; rule holds the
    # project's decision rule settings.
    electorate = models.JSONField(_("who could vote"), default=dict, blank=True)
    rule = models.JSONField(_("decision rule used"), default=dict, blank=True)
    # The tokenism guards as they stood when voting opened: part of the evidence pack.
    guard_results = models.JSONField(_("checks when voting opened"), default=list, blank=True)

    objects: ClassVar[GateQuerySet] = GateQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stage decision")
        verbose_name_plural = _("stage decisions")
        constraints = [
            # One decision in progress per project: votes can't be split across two proposals.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status__in=IN_PROGRESS),
                name="one_gate_in_progress_per_project",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[GateStatus.DRAFT, GateStatus.WITHDRAWN])
                | Q(opened_at__isnull=False, closes_at__isnull=False),
                name="gate_open_or_closed_has_window",
            ),
        ]

    def __str__(self) -> str:
        return _("%(from)s to %(to)s") % {
            "from": self.get_from_stage_display(),
            "to": self.get_to_stage_display(),
        }

    def get_absolute_url(self) -> str:
        return reverse("projects:gate", kwargs={"slug": self.project.slug, "pk": self.pk})

    @property
    def text_code(self) -> str:
        """The short code a member puts in a text reply to say which decision it is for: the
        decision's number, at least three digits, typed on any phone's keypad ("012")."""
        return f"{self.pk:03d}"

    @property
    def is_draft(self) -> bool:
        return self.status == GateStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == GateStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == GateStatus.CLOSED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == GateStatus.WITHDRAWN

    @property
    def proposed_at(self) -> datetime:
        """When the proposal took its present wording: first written, or last revised."""
        return self.revised_at or self.created_at

    def in_electorate(self, user_id: int) -> bool:
        """Whether this person could vote when voting opened (later joiners cannot)."""
        return str(user_id) in self.electorate

    @property
    def outcome(self) -> GateOutcome:
        """Uses the sign-off row, so list pages select_related("signoff")."""
        if self.is_draft:
            return GateOutcome.DRAFT
        if self.is_open:
            return GateOutcome.OPEN
        if self.is_withdrawn:
            return GateOutcome.WITHDRAWN
        if self.reason == QUORUM_UNREACHABLE:
            return GateOutcome.NOT_DECIDED
        if not self.passed:
            return GateOutcome.NOT_PASSED
        if not self.signoff_required:
            return GateOutcome.PASSED
        try:
            signoff = self.signoff
        except SignOff.DoesNotExist:
            return GateOutcome.AWAITING_SIGNOFF
        return GateOutcome.PASSED if signoff.assured else GateOutcome.NOT_ASSURED


class Choice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    OBJECT = "object", _("Object")
    ABSTAIN = "abstain", _("Abstain")


class VoteChannel(models.TextChoices):
    """How a vote reached the platform: shown in the history, the results and the evidence."""

    WEB = "web", _("Online")
    TEXT = "text", _("By text message")
    ASSISTED = "assisted", _("With help")


class RecordedWithHelp(models.Model):
    """A record a practitioner or co-lead made on a member's behalf, at the member's request.

    `recorded_by` is the person who helped; `confirmed` is True once the member confirmed it
    with a one-time code, and False when they have no phone or email to confirm it with (it is
    then shown as "recorded with help, not confirmed"). Both are empty for a member's own record.
    """

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded with help by"),
    )
    confirmed = models.BooleanField(_("confirmed by the member"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def assisted(self) -> bool:
        return self.confirmed is not None


class Vote(RecordedWithHelp):
    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="votes"
    )
    choice = models.CharField(_("your vote"), max_length=10, choices=Choice.choices)
    reason = models.TextField(
        _("reason"), blank=True, validators=[limits.MaxChars(limits.VOTE_REASON)]
    )
    cast_at = models.DateTimeField(_("cast"), default=timezone.now)
    changed_at = models.DateTimeField(_("last changed"), default=timezone.now)
    channel = models.CharField(
        _("how the vote came"), max_length=10, choices=VoteChannel.choices, default=VoteChannel.WEB
    )

    class Meta:
        ordering = ["cast_at"]
        constraints = [
            models.UniqueConstraint(fields=["gate", "voter"], name="one_vote_per_member_per_gate"),
            models.CheckConstraint(
                condition=~Q(choice="object") | ~Q(reason=""),
                name="objection_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return _("%(name)s on %(gate)s") % {"name": self.voter, "gate": self.gate}


class ObjectionResponse(RecordedResponse):
    """The recorded answer to an objection: closes the loop before the next gate may open."""

    objection = models.OneToOneField(Vote, on_delete=models.CASCADE, related_name="response")

    def __str__(self) -> str:
        return _("Response to %(objection)s") % {"objection": self.objection}


class SignOff(models.Model):
    gate = models.OneToOneField(Gate, on_delete=models.CASCADE, related_name="signoff")
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assured = models.BooleanField(_("co-production was genuine"))
    reasons = models.TextField(_("reasons"), validators=[limits.MaxChars(limits.SIGNOFF_REASONS)])
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("co-production sign-off")

    def __str__(self) -> str:
        verdict = _("Assured") if self.assured else _("Not assured")
        return f"{verdict}: {self.gate}"
