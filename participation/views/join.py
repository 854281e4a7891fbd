"""The join page: a new person joins a project from their invitation with only a name.

The invitation link already proves the email address (or, for an invitation by text, the
mobile number), so nothing needs confirming again, and a password is optional: people sign
in with a code by email or text. The button makes the account, signs them in through
allauth (so its records and signals stay whole), and opens the project.

Only for a working link whose address has no account yet, opened by someone not signed in.
Everyone else goes back to the invitation page, which knows what to offer them: the project
for a member, "sign in to join" for someone with an account, and a plain page for a link
that no longer works (which is what a second tap on the button meets).
"""

from __future__ import annotations

from allauth.account.utils import perform_login
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coproduce.http import posted

from ..forms.joining import JoinForm
from ..services import joining
from ..services.invitations import InvitationError
from .accept import dead_link_page


def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = joining.find(token)
    if invitation is None:
        return dead_link_page(request, None, "unknown")
    invitation_page = redirect("participation:accept", token=token)
    if (
        request.user.is_authenticated
        or not invitation.is_pending()
        or joining.has_account(invitation)
    ):
        return invitation_page
    form = JoinForm(posted(request), invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = joining.join_with_new_account(
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data.get("password", ""),
            )
        except joining.AccountExists:
            return invitation_page  # it asks them to sign in, then join
        except InvitationError as error:
            if error.state is not None:
                return invitation_page  # it says why the link no longer works
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Welcome to %(project)s.") % {"project": invitation.project}
            )
            response: HttpResponse = perform_login(
                request,
                user,
                redirect_url=invitation.project.get_absolute_url(),
                signup=True,
                email=invitation.email or None,
            )
            return response
    return render(
        request,
        "participation/join.html",
        {"invitation": invitation, "form": form},
    )
