from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce import limits

from .models import ContributionKind


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of thing is it?"),
        choices=ContributionKind.choices,
        initial=ContributionKind.IDEA,
        widget=forms.RadioSelect,
    )
    body = limits.text_field(
        limit=limits.CONTRIBUTION,
        label=_("What you want to say"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Please write something before sending.")},
    )


class ResponseForm(forms.Form):
    body = limits.text_field(
        limit=limits.RESPONSE,
        label=_("What we did"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please write a response.")},
    )
