"""How an API request proves whose it is: `Authorization: Bearer <key>`.

Every refusal is a 401 with a sentence saying what to do, so a person setting up a report
learns whether their key was mistyped, revoked or has expired.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from ..models import ApiToken, User
from ..site import absolute_url
from .tokens import KEY_START, digest

# "Last used" is written at most this often per key, so reading does not write every time.
LAST_USED_EVERY = timedelta(minutes=1)


def _tokens_page() -> str:
    return absolute_url(reverse("api_tokens"))


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _space, key = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            # Another scheme ("Token cpd_…"), or the key with no scheme at all: the key was
            # sent, so say how, rather than that nothing was.
            raise exceptions.AuthenticationFailed(
                _("Put “Bearer” before the token: send “Authorization: Bearer cpd_…”.")
            )
        key = key.strip()
        if not key.startswith(KEY_START) or " " in key:
            raise exceptions.AuthenticationFailed(
                _("The token is not in the right form: send “Authorization: Bearer cpd_…”.")
            )
        token = ApiToken.objects.select_related("user").filter(digest=digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not recognised."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                _("This token was revoked. Make a new one at %(page)s.") % {"page": _tokens_page()}
            )
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                _("This token has expired. Make a new one at %(page)s.") % {"page": _tokens_page()}
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is switched off."))
        stale = now - LAST_USED_EVERY
        if token.last_used_at is None or token.last_used_at < stale:
            # Conditional, so two requests at once write it once.
            ApiToken.objects.filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=token.pk
            ).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes a personal token: HTTP bearer, `cpd_…`."""

    target_class = "coproduce.api.authentication.BearerTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "cpd_…"}
