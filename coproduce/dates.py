"""The one way the site writes a date or a time, on pages, in emails, in text messages and in the
history: "4 December 2026, 14:30" for a moment, "4 December 2026" for a day.

The patterns themselves live in coproduce/formats/en/formats.py (24-hour clock, month in full,
no day of the week); this module is the only code that applies them, always in the site's time
zone. Templates use the `moment` and `day` filters of `coproduce.templatetags.dates`, which
wrap these words in a `<time>` element.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, timezone


def local(value: datetime) -> datetime:
    """`value` on the site's clock (Europe/London); a naive value is taken as already local."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


def moment(value: datetime) -> str:
    """A point in time, e.g. "4 December 2026, 14:30"."""
    return formats.date_format(local(value), "DATETIME_FORMAT")


def day(value: date) -> str:
    """The day alone, e.g. "4 December 2026"; a datetime is first put on the site's clock, so a
    moment just after midnight in London is written as the London day."""
    if isinstance(value, datetime):
        value = local(value)
    return formats.date_format(value, "DATE_FORMAT")


def machine(value: date) -> str:
    """The ISO 8601 form for a `<time datetime="...">` attribute, on the site's clock."""
    if isinstance(value, datetime):
        return local(value).isoformat()
    return value.isoformat()
