"""Each person's notification choices. The form checks input; services make changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ChannelChoice, NotificationPreference, Topic
from .invitations import PhoneField


class PreferencesForm(forms.ModelForm[NotificationPreference]):
    phone = PhoneField(
        label=_("Mobile number for text messages"),
        help_text=_("Only needed if you choose text messages. Other members never see it."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )

    class Meta:
        model = NotificationPreference
        fields = ["channel", *Topic.values]
        widgets = {"channel": forms.RadioSelect}
        error_messages = {
            "channel": {
                "required": _("Choose how we reach you: email, text messages or both."),
                "invalid_choice": _("Choose how we reach you: email, text messages or both."),
            }
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wants_texts = data.get("channel") in (ChannelChoice.SMS, ChannelChoice.BOTH)
        if wants_texts and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Add your mobile number to get text messages."))
        return data

    def topics(self) -> list[Topic]:
        return [topic for topic in Topic if self.cleaned_data.get(topic.value)]
