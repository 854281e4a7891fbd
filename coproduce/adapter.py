"""How allauth decides who may sign up, and where the links in its emails lead.

An invitation-only site (ACCOUNT_ALLOW_SIGNUP=false) still lets in whoever an app vouches for:
apps that build on this one (invitations live in `participation`) register a check here from
their AppConfig.ready(), so this base app never imports them.
"""

from collections.abc import Callable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest

from .site import public_site, rebased

SignupAllowance = Callable[[HttpRequest], bool]

_allowances: list[SignupAllowance] = []


def allow_signup_when(check: SignupAllowance) -> None:
    if check not in _allowances:
        _allowances.append(check)


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCOUNT_ALLOW_SIGNUP) or any(check(request) for check in _allowances)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth builds its links (address checks, password resets, "sign up instead") and
        names the site from the host of the request; ours come from SITE_URL. Both say the
        same address, whichever host the request used."""
        request: HttpRequest | None = allauth_context.request
        fixed = dict(context)
        if request is not None:
            host = request.get_host()
            for key, value in context.items():
                if isinstance(value, str):
                    fixed[key] = rebased(value, host)
        fixed["current_site"] = public_site()
        super().send_mail(template_prefix, email, fixed)
