from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from projects.forms.responses import RecordedResponseForm

from ..models import ContributionKind

CHOOSE_A_KIND = _("Choose what kind of thing it is: an idea, a comment or a concern.")


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of thing is it?"),
        choices=ContributionKind.choices,
        initial=ContributionKind.IDEA,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what kind of thing it is: an idea, a comment or a concern."),
            "invalid_choice": _(
                "Choose what kind of thing it is: an idea, a comment or a concern."
            ),
        },
    )
    body = limits.text_field(
        limit=limits.CONTRIBUTION,
        label=_("What you want to say"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write what you want to say.")},
    )


class ResponseForm(RecordedResponseForm):
    """A co-lead's answer to one idea or comment (`item`), under it: "you said, we did"."""

    id_prefix = "respond"
