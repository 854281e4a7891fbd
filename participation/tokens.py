"""The secrets in links: invitation tokens and unsubscribe tokens.

Invitation tokens are derived, never stored. An invitation keeps a random nonce and the
SHA-256 of its token; the token itself is an HMAC of the nonce under the site's SECRET_KEY.
So the database (or a backup of it) holds nothing that opens an invitation, yet any process
with the secret key can rebuild the link when it renders a message: the first send, a retry
after a failure, the reminders and every resend while the link still works carry the same
link. Only sending again an expired or withdrawn invitation (or one whose link no key we hold
rebuilds) draws a new nonce, which kills every older link.

After SECRET_KEY is rotated, a link made under the old key still opens its invitation (we look
invitations up by the token's hash), and `sent_token()` rebuilds it from the old key while that
key is in SECRET_KEY_FALLBACKS. Once no key we hold rebuilds it, it raises rather than hand out
a link that would not match.

Unsubscribe tokens are signed (django.core.signing) and name one person and one topic.
"""

from __future__ import annotations

import hashlib
import secrets
from base64 import urlsafe_b64encode
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

from .models import Invitation, Topic

INVITATION_SALT = "participation.invitation"
UNSUBSCRIBE_SALT = "participation.unsubscribe"


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def invitation_token(invitation: Invitation, *, secret: str | bytes | None = None) -> str:
    """The token for this invitation's nonce under SECRET_KEY (or under `secret`)."""
    digest = salted_hmac(
        INVITATION_SALT, invitation.token_nonce, secret=secret, algorithm="sha256"
    ).digest()
    return urlsafe_b64encode(digest).decode().rstrip("=")


class LinkLost(Exception):
    """No secret key we hold rebuilds the link this invitation was sent with."""


def sent_token(invitation: Invitation) -> str:
    """The token in the link this invitation was sent with: the one its stored hash matches.

    Tries SECRET_KEY, then each key in SECRET_KEY_FALLBACKS. Raises LinkLost when none of them
    made it, because any other token would be a link that does not work.
    """
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        token = invitation_token(invitation, secret=secret)
        if hash_token(token) == invitation.token_hash:
            return token
    raise LinkLost(
        f"Invitation {invitation.pk}'s link was made with a secret key that is neither "
        "SECRET_KEY nor in SECRET_KEY_FALLBACKS, so it cannot be rebuilt. Send the invitation "
        "again to give it a new link."
    )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unsubscribe_token(user_id: int, topic: Topic | str) -> str:
    return signing.dumps({"u": user_id, "t": Topic(topic).value}, salt=UNSUBSCRIBE_SALT)


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    topic: Topic


def read_unsubscribe_token(token: str) -> Unsubscribe | None:
    """The person and topic a link names, or None if it was altered or is not ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return Unsubscribe(user_id=int(data["u"]), topic=Topic(data["t"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
