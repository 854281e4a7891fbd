"""Personal API tokens: made and revoked by their owner, stored only as a digest.

A key looks like `cpd_` followed by 43 URL-safe characters (256 random bits). The `cpd_` start
lets secret scanners and people recognise a leaked key.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import limits
from ..models import ApiToken, User

KEY_START = "cpd_"
SHOWN_CHARACTERS = 12  # "cpd_" and the key's first 8 characters, kept to tell keys apart
# How long a key may work, in days: the owner picks one when making it.
LIFETIMES = (30, 90, 365)
DEFAULT_LIFETIME = 90
# Keys that work at once, per person: enough for a few systems, few enough to keep track of.
MAX_USABLE = 10


class TokenError(Exception):
    """A token cannot be made or revoked; the message says why, in plain words."""


class AlreadyMade(TokenError):
    """The same person made a token of this name a moment ago: a second tap of the button, or
    a resend after a slow answer. The first request shows its key; this one makes nothing."""


def digest(key: str) -> str:
    """The SHA-256 of a key, as 64 hex characters: what is stored and looked up."""
    return hashlib.sha256(key.encode()).hexdigest()


def make_token(*, user: User, name: str, days: int) -> tuple[ApiToken, str]:
    """Make a key for `user` that works for `days` days; return the row and the key itself.

    The key is returned this once and never stored. Raises TokenError when the person already
    has a working key of that name (a second tap of the button makes no second key) or has
    MAX_USABLE working keys (AlreadyMade when the same person made one of that name within
    `limits.RESUBMIT_WINDOW`: a double tap), and ValueError for a lifetime not in LIFETIMES.
    """
    if days not in LIFETIMES:
        raise ValueError(f"days must be one of {LIFETIMES}")
    with transaction.atomic():
        # One person's simultaneous requests wait for each other, so the checks hold.
        list(User.objects.select_for_update().filter(pk=user.pk))
        usable = ApiToken.objects.usable().filter(user=user)
        same = usable.filter(name__iexact=name).order_by("-created_at").first()
        if same is not None:
            if same.created_at >= timezone.now() - limits.RESUBMIT_WINDOW:
                raise AlreadyMade(same.name)
            raise TokenError(
                _(
                    "You already have a working token called “%(name)s”. Give this one another "
                    "name, or revoke the old one first."
                )
                % {"name": same.name}
            )
        if usable.count() >= MAX_USABLE:
            raise TokenError(
                _("You have %(count)d working tokens, the most you can have. Revoke one first.")
                % {"count": MAX_USABLE}
            )
        key = KEY_START + secrets.token_urlsafe(32)
        now = timezone.now()
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=key[:SHOWN_CHARACTERS],
            digest=digest(key),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    return token, key


def revoke_token(*, user: User, token_id: int) -> ApiToken:
    """Stop one of `user`'s keys working, at once and for good. Revoking a key already revoked
    changes nothing. Raises ApiToken.DoesNotExist when the key is not theirs."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token
