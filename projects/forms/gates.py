"""Forms for proposing, opening, voting on and signing off stage gates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce import limits

from ..models import MIN_VOTING_WINDOW_HOURS, Choice, Gate
from .projects import WINDOW_TOO_LONG, WINDOW_TOO_SHORT
from .responses import RecordedResponseForm


class ProposalForm(forms.ModelForm[Gate]):
    # The model's length limits (coproduce.limits) are checked when the form is.
    class Meta:
        model = Gate
        fields = ["proposal", "what_changes"]
        widgets = {
            "proposal": forms.Textarea(attrs={"rows": 5}),
            "what_changes": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "proposal": {"required": _("Write the proposal: what everyone is asked to decide.")},
            "what_changes": {"required": _("Say what changes for people if it passes.")},
        }


class OpenGateForm(forms.Form):
    window_hours = forms.IntegerField(
        label=_("How many hours should voting stay open?"),
        min_value=MIN_VOTING_WINDOW_HOURS,
        max_value=24 * 28,
        help_text=_("At least 24 hours, so people who check their phone once a day can vote."),
        error_messages={
            "required": _("Enter how many hours voting stays open, such as 72."),
            "invalid": _("Enter a whole number of hours, such as 72."),
            "min_value": WINDOW_TOO_SHORT,
            "max_value": WINDOW_TOO_LONG,
        },
    )


CHOOSE_A_VOTE = _("Choose approve, object or abstain.")


class VoteForm(forms.Form):
    # Rendered with as_field_group: the radios sit in a fieldset whose legend is the label.
    choice = forms.ChoiceField(
        label=_("Do you agree with the proposal?"),
        choices=Choice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_A_VOTE, "invalid_choice": CHOOSE_A_VOTE},
    )
    reason = limits.text_field(
        limit=limits.VOTE_REASON,
        label=_("Your reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("If you object, say why. If not, you can leave this empty."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        objecting = data.get("choice") == Choice.OBJECT
        if (
            objecting
            and not limits.has_words(data.get("reason", ""))
            and "reason" not in self.errors
        ):
            self.add_error("reason", _("Say why you object. Your reason helps everyone respond."))
        return data


class SignOffForm(forms.Form):
    assured = forms.TypedChoiceField(
        label=_("Was this decision truly made together?"),
        choices=[
            ("yes", _("Yes: I am assured the co-production was genuine")),
            ("no", _("No: I am not assured")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )
    reasons = limits.text_field(
        limit=limits.SIGNOFF_REASONS,
        label=_("Your reasons"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Every member of the project will be able to read this."),
        error_messages={"required": _("Write your reasons.")},
    )


class ObjectionResponseForm(RecordedResponseForm):
    """A co-lead's response to one objection (`item`, a Vote), under that objection."""

    id_prefix = "response"
    writer_field = "voter"
