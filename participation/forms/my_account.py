"""The one question before an account is deleted."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete my account. I understand this cannot be undone."),
        error_messages={"required": _("Tick the box to say you want to delete your account")},
    )
