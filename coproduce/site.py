"""The site's public address: the one source of every absolute link it sends.

Links go out by email and text message, often from a Celery worker with no request to ask, so
they are built from SITE_URL and never from the host a request happened to use.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` ("/projects/...") as a full link on the public address."""
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class PublicSite:
    """What allauth's emails call the current site ("Thank you for using {{ name }}")."""

    domain: str
    name: str


def public_site() -> PublicSite:
    host = urlsplit(settings.SITE_URL).netloc
    return PublicSite(domain=host, name=host)


def rebased(url: str, host: str) -> str:
    """A link allauth built on a request's `host`, moved to the public address.

    The scheme is not compared: allauth writes https links when told to, whatever the request.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != host:
        return url
    return absolute_url(parts._replace(scheme="", netloc="").geturl() or "/")
