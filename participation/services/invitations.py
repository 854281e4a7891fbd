"""Invite, resend and withdraw invitations (joining through one is `joining`).

There is at most one open invitation per project and address: inviting the same person again
sends that invitation again instead of making a second one. While its link still works the
person keeps the link they hold (a double tap, a retry or a second co-lead never kills it);
only an expired or withdrawn invitation gets a new link. An identical invitation sent again
within a minute (`coproduce.limits.RESUBMIT_WINDOW`) is a double tap or a retry and sends nothing
new.

Once someone is a member of a project, every unanswered invitation to their addresses for it
closes as accepted by them (`close_for_member`), so nothing waits, reminds or resends.

Each send is an outbox message written in the same transaction, so an invitation is never saved
without the message that delivers it, nor sent for one that was rolled back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce import limits
from coproduce.contact import InvalidContact, normalise_email, optional_phone
from coproduce.models import User
from projects.models import EventKind, Membership, Project, Role
from projects.services import log_event

from ..models import (
    Invitation,
    InvitationState,
    MessageKind,
)
from ..tokens import LinkLost, hash_token, invitation_token, new_nonce, sent_token
from . import outbox
from .notify import invitee_messages


class InvitationError(Exception):
    """A refused invitation change; str(error) is plain English for the person who asked."""

    def __init__(self, message: str, *, state: InvitationState | None = None) -> None:
        super().__init__(message)
        self.state = state


class AlreadyMember(InvitationError):
    """Someone who is already a member pressed join: nothing was used up."""


class SendKind(StrEnum):
    INVITED = "invited"  # a new invitation
    RESENT = "resent"  # sent again with the link the person already holds
    RENEWED = "renewed"  # the old link had expired or was withdrawn: sent with a new link
    UNCHANGED = "unchanged"  # the same invitation went less than a minute ago: nothing sent


@dataclass(frozen=True)
class Sent:
    invitation: Invitation
    kind: SendKind

    @property
    def renewed(self) -> bool:
        """True when an earlier invitation to the same address was sent again (or just was)."""
        return self.kind != SendKind.INVITED


def clean_contact(*, email: str, phone: str) -> tuple[str, str]:
    """Both in their normal form; at least one is needed. Raises InvitationError."""
    try:
        email = normalise_email(email) if email.strip() else ""
        phone = optional_phone(phone)
    except InvalidContact as error:
        raise InvitationError(str(error)) from None
    if not email and not phone:
        raise InvitationError(_("Give an email address or a mobile number, or both."))
    return email, phone


def clean_name(name: str) -> str:
    """The name to greet them by, trimmed. Raises InvitationError if it is too long to keep
    or not on one line (it goes into email subjects)."""
    name = name.strip()
    limits.refuse_too_long(name, limit=limits.PERSON_NAME, error=InvitationError)
    limits.refuse_not_one_line(name, error=InvitationError)
    return name


def clean_message(message: str) -> str:
    """The personal message, trimmed. Raises InvitationError if it is too long to quote."""
    message = message.strip()
    limits.refuse_too_long(message, limit=limits.INVITATION_MESSAGE, error=InvitationError)
    return message


# --- Who the project already reaches ----------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """Members and unanswered invitations of one project, by address in normal form."""

    members: dict[str, User]
    invitations: dict[str, Invitation]

    def member(self, *, email: str, phone: str) -> User | None:
        """A current member reachable at either address, if there is one."""
        return next((self.members[a] for a in (email, phone) if a in self.members), None)

    def invitation(self, *, email: str, phone: str) -> Invitation | None:
        """The unanswered invitation (waiting, expired or withdrawn) to either address.

        Raises InvitationError when the two addresses belong to two different invitations.
        """
        found = {
            invitation.pk: invitation
            for invitation in (self.invitations.get(email), self.invitations.get(phone))
            if invitation is not None
        }
        if len(found) > 1:
            raise InvitationError(
                _(
                    "This email address and this mobile number are on two different "
                    "invitations. Withdraw one of them, or invite by one of them only."
                )
            )
        return next(iter(found.values()), None)


def known_at(project: Project, *, emails: Collection[str], phones: Collection[str]) -> Known:
    """Who the project reaches at any of these addresses (in normal form), in three queries.

    A member is reached at their account's email address, at any address they have verified,
    and at their phone number once it is checked. An unchecked number is only what someone
    typed: it would let a member claim (and so stop) invitations sent to another person's phone.
    """
    emails = {email for email in emails if email}
    phones = {phone for phone in phones if phone}
    known = Known(members={}, invitations={})
    if not emails and not phones:
        return known
    memberships = Membership.objects.active().filter(project=project)
    reached = (
        memberships.alias(user_email=Lower("user__email"))
        .filter(Q(user_email__in=emails) | Q(user__phone__in=phones, user__phone_verified=True))
        .select_related("user")
    )
    for membership in reached:
        user = membership.user
        if user.email:
            known.members[user.email.lower()] = user
        if user.phone and user.phone_verified:
            known.members[user.phone] = user
    if emails:
        verified = (
            EmailAddress.objects.filter(verified=True, user__in=memberships.values("user"))
            .alias(lower_email=Lower("email"))
            .filter(lower_email__in=emails)
            .select_related("user")
        )
        for address in verified:
            known.members.setdefault(address.email.lower(), address.user)
    unanswered = Invitation.objects.unanswered().filter(project=project)
    for invitation in unanswered.filter(Q(email__in=emails) | Q(phone__in=phones)):
        for address in (invitation.email, invitation.phone):
            if address:
                known.invitations[address] = invitation
    return known


# --- Sending ----------------------------------------------------------------------------------


def lock_project(project: Project) -> Project:
    """The project, locked until the transaction ends, if it still takes new members.

    The lock serialises invitations to the project, so two co-leads inviting the same person
    at the same moment renew one invitation rather than colliding.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.is_closed:
        raise InvitationError(_("This project is closed, so nobody new can join."))
    return project


def _new_link(invitation: Invitation) -> None:
    invitation.token_nonce = new_nonce()
    invitation.token_hash = hash_token(invitation_token(invitation))


def _stamp_send(invitation: Invitation, *, now: datetime) -> None:
    """The next send number (the outbox's occasion), sent now, and a fresh expiry date."""
    invitation.send_count += 1
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_EXPIRY_DAYS)


def _send_again(invitation: Invitation, *, now: datetime) -> SendKind:
    """The next send, with a fresh expiry date. A link that still works is kept, because the
    person may already be opening it; an expired or withdrawn one is replaced."""
    kind = SendKind.RESENT
    if not _link_works(invitation, now):
        _new_link(invitation)
        invitation.revoked_at = None
        kind = SendKind.RENEWED
    _stamp_send(invitation, now=now)
    return kind


def _link_works(invitation: Invitation, now: datetime) -> bool:
    """Still open, and a key we hold rebuilds its link (not so after a key rotation ends)."""
    if not invitation.is_pending(now):
        return False
    try:
        sent_token(invitation)
    except LinkLost:
        return False
    return True


def _just_sent(invitation: Invitation, now: datetime) -> bool:
    return invitation.is_pending(now) and now - invitation.sent_at < limits.RESUBMIT_WINDOW


def _log_send(
    invitation: Invitation, *, project: Project, actor: User | None, renewed: bool
) -> None:
    log_event(
        project=project,
        kind=EventKind.INVITATION_SENT,
        actor=actor,
        # Contact details stay out of the log, which every member can read.
        summary=(
            _("%(name)s sent an invitation again, for %(role)s.")
            if renewed
            else _("%(name)s invited someone to join as %(role)s.")
        )
        % {"name": actor or _("An administrator"), "role": invitation.role_enum.label},
        data={"invitation": invitation.pk, "role": invitation.role, "send": invitation.send_count},
    )


def queue_sends(invitations: Iterable[Invitation]) -> None:
    """Queue the messages of each invitation's latest send in one go, to be delivered once
    the transaction commits. The outbox key carries the send number."""
    messages = outbox.queue(
        message
        for invitation in invitations
        for message in invitee_messages(
            invitation=invitation,
            kind=MessageKind.INVITATION,
            occasion=f"invitation:{invitation.pk}:send:{invitation.send_count}",
        )
    )
    outbox.send_after_commit(messages)


def issue(
    *,
    project: Project,
    known: Known,
    role: Role,
    inviter: User | None,
    email: str,
    phone: str,
    name: str,
    message: str,
    now: datetime,
) -> Sent:
    """Make or renew the invitation and log the send; the caller queues it (`queue_sends`).

    The addresses and name are already clean (`clean_contact`, `clean_name`), the project is
    locked (`lock_project`) and `known` was read under that lock.
    """
    member = known.member(email=email, phone=phone)
    if member is not None:
        raise InvitationError(_("%(name)s is already a member of this project.") % {"name": member})
    invitation = known.invitation(email=email, phone=phone)
    before = None if invitation is None else _details(invitation)
    if invitation is None:
        invitation = Invitation(project=project, created_at=now, send_count=0)
    # The newest details win; a detail left out keeps what the earlier invitation had.
    invitation.role = role
    invitation.email = email or invitation.email
    invitation.phone = phone or invitation.phone
    invitation.name = name or invitation.name
    invitation.message = message.strip() or invitation.message
    if before is None:
        invitation.invited_by = inviter
        _new_link(invitation)
        _stamp_send(invitation, now=now)
        kind = SendKind.INVITED
    elif before == _details(invitation) and _just_sent(invitation, now):
        return Sent(invitation=invitation, kind=SendKind.UNCHANGED)
    else:
        invitation.invited_by = inviter or invitation.invited_by
        kind = _send_again(invitation, now=now)
    invitation.save()
    _log_send(invitation, project=project, actor=inviter, renewed=kind != SendKind.INVITED)
    return Sent(invitation=invitation, kind=kind)


def _details(invitation: Invitation) -> tuple[str, ...]:
    """What a person is sent: the same details again within a minute are a resubmission."""
    i = invitation
    return (i.role, i.email, i.phone, i.name, i.message)


@transaction.atomic
def invite(
    *,
    project: Project,
    role: Role | str,
    inviter: User | None,
    email: str = "",
    phone: str = "",
    name: str = "",
    message: str = "",
    now: datetime | None = None,
) -> Sent:
    """Invite someone, or renew and resend their unanswered invitation."""
    if role not in Role.values:
        raise InvitationError(
            _("Choose a role: expert by experience, practitioner or commissioner.")
        )
    email, phone = clean_contact(email=email, phone=phone)
    name = clean_name(name)
    message = clean_message(message)
    project = lock_project(project)
    sent = issue(
        project=project,
        known=known_at(project, emails=[email], phones=[phone]),
        role=Role(role),
        inviter=inviter,
        email=email,
        phone=phone,
        name=name,
        message=message,
        now=now or timezone.now(),
    )
    if sent.kind != SendKind.UNCHANGED:
        queue_sends([sent.invitation])
    return sent


def locked(invitation: Invitation) -> Invitation:
    """The invitation re-read and locked (not its project) until the transaction ends."""
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("project", "invited_by")
        .get(pk=invitation.pk)
    )


def resend(*, invitation: Invitation, actor: User | None, now: datetime | None = None) -> Sent:
    """Send the same invitation again. A link that still works stays the same (with a fresh
    expiry date); an expired or withdrawn invitation, or one whose link no key we hold can
    rebuild, gets a new one. Pressed again within a minute, it sends nothing new.

    If the person became a member since (joined some other way, or verified this address
    later), the invitation closes as joined and the resend is refused.
    """
    now = now or timezone.now()
    with transaction.atomic():
        invitation = locked(invitation)
        if invitation.accepted_at is not None:
            raise InvitationError(_("This invitation has already been accepted."))
        if invitation.project.is_closed:
            raise InvitationError(_("This project is closed, so nobody new can join."))
        member = known_at(
            invitation.project, emails=[invitation.email], phones=[invitation.phone]
        ).member(email=invitation.email, phone=invitation.phone)
        if member is None:
            if _just_sent(invitation, now):
                return Sent(invitation=invitation, kind=SendKind.UNCHANGED)
            kind = _send_again(invitation, now=now)
            invitation.save()
            _log_send(invitation, project=invitation.project, actor=actor, renewed=True)
            queue_sends([invitation])
            return Sent(invitation=invitation, kind=kind)
        close_for_member(project=invitation.project, user=member, now=now)
    raise InvitationError(_("%(name)s is already a member of this project.") % {"name": member})


@transaction.atomic
def revoke(*, invitation: Invitation, now: datetime | None = None) -> Invitation:
    """Withdraw an invitation: its link stops working. Sending it again brings it back."""
    invitation = locked(invitation)
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = now or timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def close_for_member(
    *, user: User, project: Project | None = None, now: datetime | None = None
) -> int:
    """Close every unanswered invitation to this member's addresses as accepted by them: the
    addresses of their account, every address they verified, and their phone once checked
    (an unchecked number is only what they typed, see `known_at`). For `project`,
    or, when None, for every project they are a member of (two queries either way).
    Returns how many closed. Called whenever someone becomes a member, however they joined,
    and when a member adds an address."""
    emails = ({user.email.lower()} if user.email else set()) | {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    reaches = Q(email__in=emails)
    if user.phone and user.phone_verified:
        reaches |= Q(phone=user.phone)
    projects = (
        [project.pk]
        if project is not None
        else Membership.objects.active().filter(user=user).values("project_id")
    )
    return (
        Invitation.objects.unanswered()
        .filter(project_id__in=projects)
        .filter(reaches)
        .update(accepted_at=now or timezone.now(), accepted_by=user)
    )
