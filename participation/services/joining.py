"""Joining a project through an invitation link: finding the invitation a link points at,
whose it is, and accepting it.

An invitation is used up only by a join that adds a member; joining closes the person's other
invitations to the project (`invitations.close_for_member`).
"""

from __future__ import annotations

from datetime import datetime

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.models import User
from projects.models import Membership, Project
from projects.services.memberships import add_member

from ..models import ChannelChoice, Invitation, InvitationState, NotificationPreference
from ..tokens import hash_token
from .invitations import AlreadyMember, InvitationError, close_for_member, locked


class AccountExists(InvitationError):
    """The invited address or number has an account already: they sign in and accept."""


def find(token: str) -> Invitation | None:
    """The invitation a link points at, whatever its state; None for a link we never made."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("project", "invited_by", "accepted_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def addressed_to(invitation: Invitation, user: User) -> bool:
    """Was this invitation sent to this account: to its email address, to an address it
    verified, or to the mobile number it signs in with (checked)? A number only typed in for
    text messages does not count: anyone can type any number there."""
    if invitation.phone and user.phone_verified and user.phone == invitation.phone:
        return True
    if not invitation.email:
        return False
    if user.email and user.email.lower() == invitation.email:
        return True
    return bool(
        EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists()
    )


def has_account(invitation: Invitation) -> bool:
    """Does someone already have an account at the address this invitation was sent to? They
    sign in and accept; only a new person joins with a new account (`join_with_new_account`).
    For an invitation by text only, an account that checked the number counts."""
    if invitation.email:
        return (
            User.objects.filter(email__iexact=invitation.email).exists()
            or EmailAddress.objects.filter(email__iexact=invitation.email, verified=True).exists()
        )
    return User.objects.filter(phone=invitation.phone, phone_verified=True).exists()


def dead_link_message(state: InvitationState) -> str:
    return {
        InvitationState.ACCEPTED: _("This invitation has already been used."),
        InvitationState.EXPIRED: _("This invitation has expired."),
        InvitationState.REVOKED: _("This invitation was withdrawn."),
    }.get(state, "")


@transaction.atomic
def accept(
    *, invitation: Invitation, user: User, signed_up: bool = False, now: datetime | None = None
) -> Membership:
    """Join the project the invitation is for. Single use: only a join that adds a member uses
    it up. Pressing join again after joining (a double tap, ten impatient taps) returns the
    membership; someone who was already a member is refused (AlreadyMember) and the link
    stays for the person it was sent to.

    `signed_up` says the account was just made from this invitation's link.
    """
    now = now or timezone.now()
    # The project first, as inviting does: joins to one project take turns, so two
    # invitations to one person accepted at once cannot each hold one and wait for the other
    # (joining closes the person's other invitations), which PostgreSQL ends as a deadlock.
    list(Project.objects.select_for_update().filter(pk=invitation.project_id).values_list("pk"))
    invitation = locked(invitation)
    membership = Membership.objects.active().filter(project=invitation.project, user=user).first()
    state = invitation.state(now)
    if membership is not None:
        if state == InvitationState.ACCEPTED and invitation.accepted_by_id == user.pk:
            return membership
        if state == InvitationState.PENDING and addressed_to(invitation, user):
            # Their own invitation, and they are in already: it closes as joined.
            close_for_member(project=invitation.project, user=user, now=now)
            return membership
        raise AlreadyMember(
            _("You are already a member of %(project)s.") % {"project": invitation.project}
        )
    if state != InvitationState.PENDING:
        raise InvitationError(dead_link_message(state), state=state)
    if invitation.project.is_closed:
        raise InvitationError(_("This project has closed, so nobody new can join it."))
    # A link can be forwarded: only the invitee's own account takes on the invited number,
    # or someone else's messages would be texted to the invitee's phone.
    if invitation.phone and (signed_up or addressed_to(invitation, user)):
        _remember_phone(invitation, user)
    invitation.accepted_at, invitation.accepted_by = now, user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # Adding the member closes every other invitation to their addresses (`close_for_member`).
    return add_member(project=invitation.project, user=user, role=invitation.role, actor=user)


@transaction.atomic
def join_with_new_account(
    *, invitation: Invitation, name: str, password: str = "", now: datetime | None = None
) -> User:
    """Make an account for the person an invitation was sent to, and join them to its project.

    The link proves the address it was sent to: the invited email address is stored verified
    and primary; for an invitation by text only, the account has no email address and signs
    in with its verified mobile number. `password` may be empty (they sign in with a code and
    can add a password later). Returns the new account.

    Raises InvitationError (with `state`) when the link no longer works, which is what a
    second press of the button meets: the first press used the invitation up, so a double
    tap makes one account and one membership. Raises AccountExists when the address or number
    has an account already, even one made a moment ago on the sign-up page (they sign in and
    accept instead); InvitationError without a state when the project has closed.
    """
    now = now or timezone.now()
    invitation = locked(invitation)
    state = invitation.state(now)
    if state != InvitationState.PENDING:
        raise InvitationError(dead_link_message(state), state=state)
    exists = AccountExists(
        _("There is already an account for this address. Sign in, then join the project.")
    )
    if has_account(invitation):
        raise exists
    try:
        # The sign-up page does not lock the invitation: the database's unique address (and
        # checked number) is what stops a second account made at the same moment.
        with transaction.atomic():
            user = User.objects.create_user(
                invitation.email or None,
                password or None,
                display_name=name,
                phone=invitation.phone,
                # Only a link sent to no other address proves the number.
                phone_verified=bool(invitation.phone) and not invitation.email,
            )
    except IntegrityError:
        raise exists from None
    if invitation.email:
        EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
    accept(invitation=invitation, user=user, signed_up=True, now=now)
    return user


def _remember_phone(invitation: Invitation, user: User) -> None:
    """The text message proved the number, so keep it; someone invited only by text gets
    their messages by text too, unless they already chose otherwise."""
    if not user.phone:
        user.phone = invitation.phone
        user.save(update_fields=["phone"])
    if not invitation.email:
        NotificationPreference.objects.get_or_create(
            user=user, defaults={"channel": ChannelChoice.SMS}
        )
