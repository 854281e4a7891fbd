"""`{{ number|phone }}`: a stored mobile number as people write it (coproduce.contact)."""

from django import template

from coproduce.contact import display_phone

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    return display_phone(value or "")
