"""Forms for a project's webhooks. The service (participation/services/webhooks.py) checks the
address and the events again; these forms link each mistake to its box."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from ..messages.http_post import url_problem
from ..models import WebhookEvent
from ..models.webhooks import URL_LENGTH

EVENTS_HELP = _("We send a message to the address each time one of these happens.")


def events_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("What to send"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=EVENTS_HELP,
        error_messages={
            "required": _("Choose at least one event to send."),
            "invalid_choice": _("Choose events from the list."),
            "invalid_list": _("Choose events from the list."),
        },
    )


class WebhookForm(forms.Form):
    url = forms.CharField(
        label=_("Address to send to"),
        # Checked here rather than by the box's maxlength, which would cut a longer address
        # pasted into it without a word and save a different one.
        validators=[
            MaxLengthValidator(
                URL_LENGTH,
                message=_("Enter an address of at most %(limit_value)d characters."),
            )
        ],
        help_text=_(
            "The web address of the system that will receive the messages, starting with "
            "https://. The people who run that system can give it to you."
        ),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter the address to send to."),
        },
    )
    events = events_field()

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"].strip()
        if any(char.isspace() or ord(char) < 32 for char in url):
            raise forms.ValidationError(_("Enter the address without spaces."), code="invalid")
        problem = url_problem(url)
        if problem:
            raise forms.ValidationError(problem, code="invalid")
        return url


class EventsForm(forms.Form):
    events = events_field()


class SwitchForm(forms.Form):
    """The "Turn off" or "Turn on" button: it says which, so pressing it twice is harmless."""

    active = forms.TypedChoiceField(
        choices=[("on", _("On")), ("off", _("Off"))],
        coerce=lambda value: value == "on",
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Nothing was changed. Press the button to turn it on or off."),
            "invalid_choice": _("Nothing was changed. Press the button to turn it on or off."),
        },
    )


class NewSecretForm(forms.Form):
    """The "Make a new secret" button sends the number of the secret it replaces."""

    replacing = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Nothing was changed. Press the button to make a new secret."),
            "invalid": _("Nothing was changed. Press the button to make a new secret."),
            "min_value": _("Nothing was changed. Press the button to make a new secret."),
        },
    )
