"""Site staff can change anything, so their accounts must have two-factor authentication."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Pages a staff member must still reach while setting MFA up (and to leave).
MFA_SETUP_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class StaffMustUseMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and not request.path.startswith(MFA_SETUP_PREFIXES)
            and not Authenticator.objects.filter(
                user_id=user.pk, type=Authenticator.Type.TOTP
            ).exists()
        ):
            messages.warning(
                request,
                _(
                    "Site staff must set up two-factor authentication before going on. "
                    "Scan the code below with an authenticator app."
                ),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
