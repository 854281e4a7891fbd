"""Joining through sign-up: the invitation waits in the session while the person signs up.

The invitation page stores the invitation's id here and tells allauth that the invited email
address is verified (the link proved it), so the sign-up form comes pre-filled and no second
verification email is sent. When the account is made, the `user_signed_up` receiver accepts
the invitation for it. The adapter lets people sign up while a valid invitation waits here,
even on an invitation-only site.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.http import HttpRequest

from .models import Invitation

SESSION_KEY = "participation.invitation"


def stash(request: HttpRequest, invitation: Invitation) -> None:
    request.session[SESSION_KEY] = invitation.pk
    if invitation.email:
        get_adapter(request).stash_verified_email(request, invitation.email)


def holds_invitation(request: HttpRequest) -> bool:
    return stashed(request) is not None


def stashed(request: HttpRequest) -> Invitation | None:
    """The invitation waiting in this session, if its link still works."""
    pk = request.session.get(SESSION_KEY)
    if pk is None:
        return None
    invitation = Invitation.objects.select_related("project").filter(pk=pk).first()
    return invitation if invitation is not None and invitation.is_pending() else None


def clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
