"""The form that makes a personal API token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import limits
from .tokens import DEFAULT_LIFETIME, LIFETIMES

LIFETIME_WORDS = {
    30: _("30 days"),
    90: _("90 days"),
    365: _("1 year"),
}


class ApiTokenForm(forms.Form):
    name = limits.line_field(
        limit=limits.API_TOKEN_NAME,
        label=_("What is this token for?"),
        help_text=_("A name to tell your tokens apart, like “Council performance report”."),
        error_messages={"required": _("Enter what this token is for.")},
    )
    days = forms.TypedChoiceField(
        label=_("How long should it work?"),
        help_text=_("After this it stops working, and you can make a new one."),
        choices=[(days, LIFETIME_WORDS[days]) for days in LIFETIMES],
        coerce=int,
        initial=DEFAULT_LIFETIME,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how long the token should work."),
            "invalid_choice": _("Choose how long the token should work."),
        },
    )
