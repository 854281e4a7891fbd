"""allauth's second sign-in step (the code from an authenticator app), with one change: a POST
without a `code` field is answered like an empty code, with what to fix.

allauth reads such a POST as a security key's answer. This site offers no security keys
(MFA_SUPPORTED_TYPES), so that form's errors were shown nowhere and the page came back as if
nothing had been sent."""

from __future__ import annotations

from typing import Any

from allauth.mfa.base.views import AuthenticateView as AllauthAuthenticateView
from django.http import HttpRequest, HttpResponse


class AuthenticateView(AllauthAuthenticateView):  # type: ignore[misc]
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "code" not in request.POST:
            self.form = self.auth_form = self.get_form_class()(
                user=self.stage.login.user, data={"code": ""}
            )
        response: HttpResponse = super().post(request, *args, **kwargs)
        return response


authenticate = AuthenticateView.as_view()
