"""A member's access needs form; it asks for consent to store them first."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce import limits

from ..models import AccessNeeds, ContactWay

NO_CONSENT = _("Tick the box to let us keep your access needs. Without it we store nothing.")


class AccessNeedsForm(forms.ModelForm[AccessNeeds]):
    consent = forms.BooleanField(
        label=_("I agree that you keep my access needs"),
        help_text=_("Only you and the co-leads of your projects can see them."),
        error_messages={"required": NO_CONSENT},
    )

    # Radios without the model's empty "---------" choice: leaving them all unticked is "no
    # preference".
    contact_by = forms.ChoiceField(
        label=AccessNeeds._meta.get_field("contact_by").verbose_name,
        choices=ContactWay.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose the best way to contact you from the list.")},
    )

    class Meta:
        model = AccessNeeds
        fields = [
            "easy_read",
            "large_print",
            "bsl",
            "interpreter_language",
            "contact_by",
            "support_person_name",
            "support_person_contact",
            "timing",
            "briefing",
            "share_story",
            "anything_else",
        ]
        formfield_callback = limits.model_formfield
        widgets = {
            "share_story": forms.RadioSelect,
            "anything_else": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "share_story": {
                "required": _("Choose whether you ever want to share your own story."),
                "invalid_choice": _("Choose whether you ever want to share your own story."),
            },
        }

    def __init__(self, *args: Any, consent_given: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asked only until it is given; withdrawing it is on the consent page.
        if consent_given:
            del self.fields["consent"]

    def needs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "consent"}
