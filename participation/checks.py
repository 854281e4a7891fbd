"""System checks for this app's settings, run by `python manage.py check` and at start-up."""

from __future__ import annotations

from typing import Any

import phonenumbers
from django.conf import settings
from django.core import checks


def phone_region(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """An unknown region would make every number typed without a country code invalid."""
    region = settings.PHONE_DEFAULT_REGION
    if region in phonenumbers.SUPPORTED_REGIONS:
        return []
    return [
        checks.Error(
            f"PHONE_DEFAULT_REGION is {region!r}, which is not a country code phonenumbers knows.",
            hint='Use a two-letter country code, such as "GB" or "IE".',
            id="participation.E001",
        )
    ]


def webhooks_reach_local(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """In production, webhooks must not be able to reach the site's own network."""
    if not settings.WEBHOOKS_ALLOW_LOCAL or settings.DEBUG:
        return []
    return [
        checks.Warning(
            "WEBHOOKS_ALLOW_LOCAL is on: a co-lead's webhook can send requests to plain http:// "
            "addresses and to this machine and its private network.",
            hint="Set WEBHOOKS_ALLOW_LOCAL=false unless every receiver is on your own network.",
            id="participation.W001",
        )
    ]
