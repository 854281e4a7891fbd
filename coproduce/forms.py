"""Extra fields on allauth's sign-up form.

allauth requires this to be a plain forms.Form with a signup() method; inheriting from its
own forms here causes a circular import.
"""

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .limits import PERSON_NAME, line_field


class SignupDetailsForm(forms.Form):
    display_name = line_field(
        limit=PERSON_NAME,
        label=_("Your name"),
        help_text=_("A first name or nickname is fine. Other members will see it."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def signup(self, request: HttpRequest, user: Any) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])
