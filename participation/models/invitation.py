"""An invitation to join a project, by email, by text message or both.

The link's token is never stored: the row keeps a random nonce and the SHA-256 of the token,
and `participation.tokens` derives the token from the nonce and the site's secret key whenever
a message needs it. Sending an expired or withdrawn invitation again replaces the nonce, so
every older link stops working; a resend while the link still works keeps it.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from coproduce.contact import display_phone
from projects.models import Project, Role


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Waiting for a reply")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Withdrawn")


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def unanswered(self) -> InvitationQuerySet:
        """Not accepted yet: waiting, expired or withdrawn. A new invite renews one of these."""
        return self.filter(accepted_at__isnull=True)

    def pending(self, now: datetime | None = None) -> InvitationQuerySet:
        """Links that still work."""
        return self.filter(in_state(InvitationState.PENDING, now or timezone.now()))

    def count_by_state(self, now: datetime) -> dict[InvitationState, int]:
        """How many are in each state (`Invitation.state`), in one aggregate query."""
        counts = self.aggregate(
            **{state.value: Count("pk", filter=in_state(state, now)) for state in InvitationState}
        )
        return {InvitationState(key): value for key, value in counts.items()}


def in_state(state: InvitationState, now: datetime) -> Q:
    """The database's form of `Invitation.state`: the same rules, in the same order."""
    unanswered = Q(accepted_at__isnull=True)
    live = unanswered & Q(revoked_at__isnull=True)
    return {
        InvitationState.ACCEPTED: ~unanswered,
        InvitationState.REVOKED: unanswered & Q(revoked_at__isnull=False),
        InvitationState.EXPIRED: live & Q(expires_at__lte=now),
        InvitationState.PENDING: live & Q(expires_at__gt=now),
    }[state]


class Invitation(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    name = models.CharField(
        _("name"),
        max_length=limits.PERSON_NAME,
        blank=True,
        validators=[limits.single_line],
        error_messages=limits.CHAR_FIELD_ERRORS,
    )
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("mobile phone number"), max_length=32, blank=True)
    message = models.TextField(
        _("personal message"),
        blank=True,
        validators=[limits.MaxChars(limits.INVITATION_MESSAGE)],
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    token_nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    # Each send (the first and every resend) is one occasion for the outbox's unique key.
    send_count = models.PositiveIntegerField(_("times sent"), default=1)
    created_at = models.DateTimeField(_("first sent"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects: ClassVar[InvitationQuerySet] = InvitationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""),
                name="invitation_has_email_or_phone",
            ),
            # A second invitation to the same address renews the first: never two open ones.
            models.UniqueConstraint(
                fields=["project", "email"],
                condition=Q(accepted_at__isnull=True) & ~Q(email=""),
                name="one_open_invitation_per_email",
            ),
            models.UniqueConstraint(
                fields=["project", "phone"],
                condition=Q(accepted_at__isnull=True) & ~Q(phone=""),
                name="one_open_invitation_per_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.email or self.phone} to {self.project}"

    def state(self, now: datetime | None = None) -> InvitationState:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    def is_pending(self, now: datetime | None = None) -> bool:
        return self.state(now) == InvitationState.PENDING

    @property
    def contact(self) -> str:
        """How the invitation reaches the person, for co-leads' lists."""
        return " / ".join(part for part in (self.email, display_phone(self.phone)) if part)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)
