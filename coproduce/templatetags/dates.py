"""`{{ value|moment }}` and `{{ value|day }}`: a date or time written the site's one way
(coproduce/dates.py), inside a `<time>` element that gives machines the exact value.

Both accept None (and render nothing), so a template need not guard an empty field.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from coproduce import dates

register = template.Library()


def _time(value: date, words: str) -> SafeString:
    return format_html('<time datetime="{}">{}</time>', dates.machine(value), words)


@register.filter
def moment(value: datetime | None) -> SafeString | str:
    """E.g. `<time datetime="2026-12-04T14:30:00+00:00">4 December 2026, 14:30</time>`."""
    if value is None or value == "":
        return ""
    return _time(value, dates.moment(value))


@register.filter
def day(value: date | None) -> SafeString | str:
    """E.g. `<time datetime="2026-12-04T14:30:00+00:00">4 December 2026</time>`."""
    if value is None or value == "":
        return ""
    return _time(value, dates.day(value))
