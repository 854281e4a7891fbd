"""Projects, who is in them, and the append-only record of what happened.

Single-row rules live here; anything that changes several rows (and the guardian groups that
follow from a membership) goes through `projects.services`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import pgtrigger
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from coproduce import limits

from .. import chain
from ..decision import Rule, RuleKind


class Stage(models.TextChoices):
    DESIGN = "design", _("Design")
    DELIVERY = "delivery", _("Delivery")
    COMMISSIONING = "commissioning", _("Commissioning")
    EVALUATION = "evaluation", _("Evaluation")
    CLOSED = "closed", _("Closed")

    @property
    def next(self) -> Stage | None:
        order = list(Stage)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None


class DecisionRule(models.TextChoices):
    DUAL_KEY = RuleKind.DUAL_KEY.value, _("Both groups must agree (dual key)")
    PARITY_WEIGHTED = RuleKind.PARITY_WEIGHTED.value, _("Each group's approval counts for half")
    CONSENT = RuleKind.CONSENT.value, _("Consent: nobody objects")


class Role(models.TextChoices):
    EXPERT_BY_EXPERIENCE = "expert_by_experience", _("Expert by experience")
    PRACTITIONER = "practitioner", _("Practitioner")
    COMMISSIONER = "commissioner", _("Commissioner")


class Bloc(models.TextChoices):
    LIVED = "lived", _("Experts by experience")
    LEARNED = "learned", _("Practitioners")
    NON_VOTING = "non_voting", _("Commissioners")


BLOC_OF_ROLE: dict[str, Bloc] = {
    Role.EXPERT_BY_EXPERIENCE: Bloc.LIVED,
    Role.PRACTITIONER: Bloc.LEARNED,
    Role.COMMISSIONER: Bloc.NON_VOTING,
}
VOTING_ROLES = [Role.EXPERT_BY_EXPERIENCE, Role.PRACTITIONER]

MIN_VOTING_WINDOW_HOURS = 24


class Project(models.Model):
    title = models.CharField(
        _("title"),
        max_length=limits.PROJECT_TITLE,
        validators=[limits.single_line],
        error_messages=limits.CHAR_FIELD_ERRORS,
    )
    slug = models.SlugField(_("web address name"), max_length=80, unique=True)
    summary = models.TextField(
        _("summary in plain language"),
        help_text=_("What the project is for, in words anyone can follow."),
        validators=[limits.MaxChars(limits.PROJECT_SUMMARY)],
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.DESIGN)
    decision_rule = models.CharField(
        _("decision rule"),
        max_length=20,
        choices=DecisionRule.choices,
        default=DecisionRule.DUAL_KEY,
    )
    quorum = models.DecimalField(
        _("quorum"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Share of each group that must vote, from 0 to 1. 0.5 means half."),
    )
    min_votes_per_bloc = models.PositiveSmallIntegerField(
        _("minimum votes in each group"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    voting_window_hours = models.PositiveSmallIntegerField(
        _("voting time in hours"),
        default=72,
        validators=[MinValueValidator(MIN_VOTING_WINDOW_HOURS), MaxValueValidator(24 * 28)],
        help_text=_("How long each decision stays open. At least 24 hours."),
    )
    signoff_every_gate = models.BooleanField(
        _("commissioner signs off every stage"),
        default=False,
        help_text=_(
            "Sign-off is always needed when leaving commissioning. Tick to need it at every stage."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        # view_project and change_project come from Django; the rest are this platform's.
        permissions = [
            ("manage_members", _("Invite, change and remove members")),
            ("manage_gates", _("Propose and open stage decisions")),
            ("vote", _("Vote on stage decisions")),
            ("sign_off", _("Sign off co-production")),
            ("record_activities", _("Record activities and attendance")),
            ("contribute", _("Add ideas and comments")),
            ("view_access_needs", _("See members' access needs")),
            ("view_evaluation", _("See evaluation reports")),
            ("manage_payments", _("Set the payment policy and decide expenses")),
            ("claim_expenses", _("Claim expenses")),
            ("answer_surveys", _("Answer evaluation surveys")),
            ("write_evaluation", _("Write the evaluation summary and peer research findings")),
            ("help_members", _("Record votes, ideas and replies with help")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quorum__gte=0) & models.Q(quorum__lte=1),
                name="project_quorum_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=models.Q(voting_window_hours__gte=MIN_VOTING_WINDOW_HOURS),
                name="project_voting_window_at_least_24h",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", kwargs={"slug": self.slug})

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED

    def rule_settings(self) -> dict[str, Any]:
        """The decision rule as plain data, to be fixed on a gate when its voting opens."""
        return {
            "kind": self.decision_rule,
            "quorum": float(self.quorum),
            "min_votes_per_bloc": self.min_votes_per_bloc,
        }

    @staticmethod
    def rule_from(settings: dict[str, Any]) -> Rule:
        return Rule(
            kind=RuleKind(settings["kind"]),
            quorum=settings["quorum"],
            min_votes_per_bloc=settings["min_votes_per_bloc"],
        )

    def signoff_required_leaving(self, stage: str) -> bool:
        """Leaving commissioning always needs a commissioner's assurance; others by setting."""
        return stage == Stage.COMMISSIONING or self.signoff_every_gate


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(left_at__isnull=True)

    def taking_part(self) -> MembershipQuerySet:
        """Current members whose account is in use. A deactivated account (staff untick
        "Active" in the admin) neither votes, nor counts towards a group, nor signs off.
        Every count of people, on pages as in the rules, is a count of these (see
        `Membership.takes_part`); lists still show the others, marked "account switched off"."""
        return self.active().filter(user__is_active=True)

    def voting(self) -> MembershipQuerySet:
        return self.taking_part().filter(role__in=VOTING_ROLES)

    def voters_by_bloc(self) -> dict[Bloc, set[int]]:
        """User ids of the current voting members, by bloc (one query)."""
        blocs: dict[Bloc, set[int]] = {Bloc.LIVED: set(), Bloc.LEARNED: set()}
        for user_id, role in self.voting().values_list("user_id", "role"):
            blocs[BLOC_OF_ROLE[role]].add(user_id)
        return blocs

    def co_leads(self) -> MembershipQuerySet:
        """Co-leads who can act: a co-lead whose account is switched off does not count."""
        return self.taking_part().filter(is_co_lead=True)


class Membership(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        # A project's record of who took part outlives nobody's account: someone who was ever
        # a member is deactivated, not deleted (deleting them is refused, in the admin too).
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_co_lead = models.BooleanField(_("co-lead"), default=False)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    objects: ClassVar[MembershipQuerySet] = MembershipQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["project", "-is_co_lead", "user__display_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_membership_per_person"),
        ]
        indexes = [models.Index(fields=["user", "left_at"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.project} ({self.get_role_display()})"

    @property
    def bloc(self) -> Bloc:
        return BLOC_OF_ROLE[self.role]

    @property
    def is_active(self) -> bool:
        return self.left_at is None

    @property
    def takes_part(self) -> bool:
        """The row-level twin of `MembershipQuerySet.taking_part()`: counted in every count."""
        return self.is_active and self.user.is_active

    @property
    def can_vote(self) -> bool:
        return self.is_active and self.bloc != Bloc.NON_VOTING

    @property
    def may_co_lead(self) -> bool:
        """Co-leads propose decisions a commissioner then signs off, so they must vote."""
        return self.role in VOTING_ROLES

    @property
    def roles_open_to(self) -> list[Role]:
        """The roles this member can be moved to: a co-lead keeps a voting role."""
        return list(VOTING_ROLES) if self.is_co_lead else list(Role)


class ProjectRoleGroup(models.Model):
    """The guardian group that holds one role's permissions on one project."""

    CO_LEAD = "co_lead"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="role_groups")
    key = models.CharField(max_length=30)  # a Role value, or CO_LEAD
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="project_role")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="one_group_per_project_role"),
        ]

    def __str__(self) -> str:
        return f"{self.project} / {self.key}"


class ProjectUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


class ProjectGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


class EventKind(models.TextChoices):
    PROJECT_CREATED = "project_created", _("Project started")
    SETTINGS_CHANGED = "settings_changed", _("Settings changed")
    MEMBER_JOINED = "member_joined", _("Member joined")
    ROLE_CHANGED = "role_changed", _("Role changed")
    CO_LEAD_ADDED = "co_lead_added", _("Co-lead added")
    CO_LEAD_REMOVED = "co_lead_removed", _("Co-lead removed")
    MEMBER_REMOVED = "member_removed", _("Member removed")
    MEMBER_LEFT = "member_left", _("Member left")
    STAGE_CHANGED = "stage_changed", _("Stage changed")
    GATE_DRAFTED = "gate_drafted", _("Decision proposed")
    GATE_REVISED = "gate_revised", _("Proposal changed")
    GATE_WITHDRAWN = "gate_withdrawn", _("Proposal withdrawn")
    GATE_OPENED = "gate_opened", _("Voting opened")
    GATE_CLOSED = "gate_closed", _("Voting closed")
    VOTE_CAST = "vote_cast", _("Vote cast")
    VOTE_CHANGED = "vote_changed", _("Vote changed")
    SIGNED_OFF = "signed_off", _("Co-production signed off")
    CONTRIBUTION_ADDED = "contribution_added", _("Contribution added")
    RESPONSE_RECORDED = "response_recorded", _("Response recorded")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    ACTIVITY_CREATED = "activity_created", _("Activity planned")
    ACTIVITY_CHANGED = "activity_changed", _("Activity changed")
    ATTENDANCE_RECORDED = "attendance_recorded", _("Attendance recorded")
    ACTIVITY_CANCELLED = "activity_cancelled", _("Activity cancelled")
    VOTE_WITHDRAWN = "vote_withdrawn", _("Vote withdrawn")
    TEXT_CONFIRMED = "text_confirmed", _("Confirmation texted")
    HELP_RECORDED = "help_recorded", _("Recorded with help")
    NAMES_ERASED = "names_erased", _("Name erased at the person's request")
    WEBHOOK_CHANGED = "webhook_changed", _("Webhook changed")


class AppendOnlyError(Exception):
    """The event log is evidence: once written, a row never changes."""


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Event log rows cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Event log rows cannot be deleted.")


class Event(models.Model):
    project = models.ForeignKey(
        # PROTECT: a project with history is closed, never deleted.
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    kind = models.CharField(_("what happened"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,  # the log is append-only, so deleting its actor is refused
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    summary = models.CharField(_("details"), max_length=300)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # The hash chain (see `projects.chain` for exactly what each field holds and how `hash` is
    # computed): set once by `seal`, just before the row is first written.
    seq = models.PositiveIntegerField(_("position in the log"))
    nonce = models.CharField(_("nonce"), max_length=32, blank=True, default="")
    summary_digest = models.CharField(_("digest of the details"), max_length=64, default="")
    prev_hash = models.CharField(_("hash of the entry before"), max_length=64, default="")
    hash = models.CharField(_("hash"), max_length=64, default="")

    objects: ClassVar[EventQuerySet] = EventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("event")
        verbose_name_plural = _("event log")
        indexes = [models.Index(fields=["project", "-at"])]
        constraints = [
            # Two requests appending at once cannot both become entry n + 1: the chain never
            # forks (log_event also locks the project row, so they queue instead of failing).
            models.UniqueConstraint(fields=["project", "seq"], name="event_one_entry_per_position")
        ]
        # Append-only in PostgreSQL itself, whatever code or SQL console asks. Only erasing a
        # person's name may pass `no_update` (`pgtrigger.ignore`, in history.redact_names), and
        # even then `only_wording_changes` refuses any change but the wording and its nonce.
        triggers = [
            pgtrigger.Protect(name="no_delete", operation=pgtrigger.Delete),
            pgtrigger.Protect(name="no_update", operation=pgtrigger.Update),
            pgtrigger.ReadOnly(name="only_wording_changes", exclude=["summary", "nonce"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Event log rows cannot be changed.")
        if not self.hash:
            raise AppendOnlyError("An event is sealed into its project's chain before saving.")
        super().save(*args, **kwargs)

    def seal(self, *, previous_seq: int, previous_hash: str) -> None:
        """Place this unsaved event after entry `previous_seq` (0 and `chain.GENESIS` for the
        first) of its project's chain: set seq, nonce, summary_digest, prev_hash and hash."""
        self.seq = previous_seq + 1
        self.nonce = chain.new_nonce()
        self.summary_digest = chain.summary_digest(nonce=self.nonce, summary=self.summary)
        self.prev_hash = previous_hash
        self.hash = chain.entry_hash(self.chain_entry())

    def chain_entry(self) -> chain.Entry:
        return chain.Entry(
            project_id=self.project_id,
            seq=self.seq or 0,
            kind=self.kind,
            stage=self.stage,
            at=self.at,
            actor_id=self.actor_id,
            summary_digest=self.summary_digest,
            data=self.data,
            prev_hash=self.prev_hash,
        )

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Event log rows cannot be deleted.")
