"""The page an invitation link opens. Public: the token in the address is the key.

Opening the link never changes anything (mail scanners open links too); joining is a button.
- Not signed in: "Join <project>" opens the join page (views/join.py), which asks only for a
  name. People who already have an account sign in and come back here.
- Signed in with the invited email address: one button joins the project.
- Signed in with another address: the page says so and asks which account should join.
- Signed in as someone who is already a member: the page says so and offers nothing that would
  use the link up, so it still works for the person it was sent to.
- A link that is used, expired, withdrawn or unknown gets a page saying what to do next.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from coproduce.http import posted
from coproduce.models import User
from projects.models import Membership

from ..forms.invitations import AcceptForm
from ..models import Invitation, InvitationState
from ..services import joining
from ..services.invitations import AlreadyMember, InvitationError


def dead_link_page(request: HttpRequest, invitation: Invitation | None, state: str) -> HttpResponse:
    """The page for a link that does not work (`state`: an InvitationState or "unknown")."""
    # 404 for a link we never made; 410 Gone for one that worked once.
    return render(
        request,
        "participation/invitation_dead.html",
        {"invitation": invitation, "state": state},
        status=404 if invitation is None else 410,
    )


def _is_member(invitation: Invitation, user: User) -> bool:
    return Membership.objects.active().filter(project=invitation.project, user=user).exists()


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = joining.find(token)
    if invitation is None:
        return dead_link_page(request, None, "unknown")
    user = request.user if isinstance(request.user, User) else None
    state = invitation.state()
    if state == InvitationState.ACCEPTED and user is not None and _is_member(invitation, user):
        return redirect(invitation.project)
    if state != InvitationState.PENDING:
        return dead_link_page(request, invitation, state)
    if user is None:
        return _invite_to_join(request, invitation, token)
    return _join(request, invitation, user)


def _invite_to_join(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    # Someone invited only by text signs in with a code texted to that number.
    sign_in = "account_login" if invitation.email else "account_request_login_code_by_text"
    login = f"{reverse(sign_in)}?{urlencode({'next': request.path})}"
    return render(
        request,
        "participation/invitation.html",
        {
            "invitation": invitation,
            "has_account": joining.has_account(invitation),
            "login_url": login,
            "join_url": reverse("participation:join", args=[token]),
        },
    )


def _join(request: HttpRequest, invitation: Invitation, user: User) -> HttpResponse:
    matches = joining.addressed_to(invitation, user)
    form = AcceptForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if matches or form.cleaned_data["confirm_account"]:
            try:
                joining.accept(invitation=invitation, user=user)
            except AlreadyMember as error:
                messages.info(request, str(error))
                return redirect(invitation.project)
            except InvitationError as error:
                if error.state is not None:
                    return dead_link_page(request, invitation, error.state)
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Welcome to %(project)s.") % {"project": invitation.project}
                )
                return redirect(invitation.project)
        else:
            form.add_error(None, _("Choose which account should join."))
    return render(
        request,
        "participation/invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "matches": matches,
            "already_member": _is_member(invitation, user),
        },
    )
