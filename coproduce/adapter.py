"""How allauth decides who may sign up.

An invitation-only site (ACCOUNT_ALLOW_SIGNUP=false) still lets in whoever an app vouches for:
apps that build on this one (invitations live in `participation`) register a check here from
their AppConfig.ready(), so this base app never imports them.
"""

from collections.abc import Callable

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

SignupAllowance = Callable[[HttpRequest], bool]

_allowances: list[SignupAllowance] = []


def allow_signup_when(check: SignupAllowance) -> None:
    if check not in _allowances:
        _allowances.append(check)


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCOUNT_ALLOW_SIGNUP) or any(check(request) for check in _allowances)
