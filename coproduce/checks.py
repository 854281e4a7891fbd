"""Checks of this site's own settings, next to Django's.

The deploy checks (`manage.py check --deploy`) each warn about a setting that works on one
process but misbehaves once the site runs as several gunicorn workers, or that sends people to
the wrong address. The SMS check runs at every start: a backend that cannot be loaded would
otherwise be found only when the first text fails.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning
from django.http.request import validate_host
from django.utils.module_loading import import_string

# Caches that live inside one process: each worker keeps its own copy.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, deploy=True)
def check_shared_cache(**kwargs: Any) -> list[CheckMessage]:
    """Rate limits (wrong passwords, sign-in codes) are counted in the cache, so a cache per
    process multiplies every limit by the number of workers."""
    if settings.DEBUG:
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        CheckWarning(
            "The cache is kept inside each process, so every web worker counts rate limits "
            "(wrong passwords, sign-in codes) on its own.",
            hint="Set REDIS_URL so that all workers share one cache.",
            id="coproduce.W001",
        )
    ]


@register(Tags.urls, deploy=True)
def check_site_url(**kwargs: Any) -> list[CheckMessage]:
    """Every emailed or texted link starts with SITE_URL, so it must be an address the site
    answers to."""
    if settings.DEBUG:
        return []
    host = urlsplit(settings.SITE_URL).hostname or ""
    if host and validate_host(host, settings.ALLOWED_HOSTS):
        return []
    return [
        CheckWarning(
            f"SITE_URL ({settings.SITE_URL}) is not an address in ALLOWED_HOSTS, so links in "
            "emails and text messages would lead nowhere.",
            hint="Set SITE_URL to the site's public address, e.g. https://coproduce.example.org.",
            id="coproduce.W002",
        )
    ]


# Backends that write each message, words and address, to the process's output: in
# production that is the log, and a sign-in code there opens someone's account.
PRINTING_BACKENDS = {
    "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    "SMS_BACKEND": "coproduce.sms.ConsoleBackend",
}


@register(deploy=True)
def check_messages_stay_out_of_logs(**kwargs: Any) -> list[CheckMessage]:
    """Emails and texts carry names, addresses and sign-in codes: in production they go to a
    mail server and an SMS provider, never to the log."""
    if settings.DEBUG:
        return []
    return [
        CheckWarning(
            f"{name} prints every message, with its address and any sign-in code, to the log.",
            hint=f"Set {name} to a real provider (the README's Configuration section).",
            id="coproduce.W003",
        )
        for name, printing in PRINTING_BACKENDS.items()
        if getattr(settings, name) == printing
    ]


@register()
def check_sms_backend(**kwargs: Any) -> list[CheckMessage]:
    """SMS_BACKEND names a class that can be loaded. The backends that ship moved from
    `participation.sms` to `coproduce.sms`; an old setting is named with its new spelling."""
    name = settings.SMS_BACKEND
    try:
        import_string(name)
    except ImportError:
        old = "participation.sms."
        moved = f"coproduce.sms.{name.removeprefix(old)}" if name.startswith(old) else ""
        return [
            CheckError(
                f"SMS_BACKEND ({name}) cannot be loaded, so no text message could be sent.",
                hint=f"Set SMS_BACKEND={moved}." if moved else "Name a class by its dotted path.",
                id="coproduce.E001",
            )
        ]
    return []
