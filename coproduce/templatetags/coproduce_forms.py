"""Template helpers for the one error pattern (templates/_error_summary.html)."""

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def error_target(field: BoundField) -> str:
    """The id an error summary link should lead to: the input itself, or for a group of radios
    or checkboxes (rendered in a fieldset) its first option, `<auto_id>_0`, which is what
    Django names the first choice. Returns "" for a field rendered without ids."""
    if not field.auto_id:
        return ""
    if field.use_fieldset and getattr(field.field, "choices", None) is not None:
        return f"{field.auto_id}_0"
    return str(field.auto_id)
