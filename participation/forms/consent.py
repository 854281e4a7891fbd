"""The consent page's form: yes or no for each purpose, with what each means."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Purpose

YES, NO = "yes", "no"

# What each purpose means and who sees what, said on the page beside the question.
EXPLAINED = {
    Purpose.TAKING_PART: _(
        "You take part in the work of your projects: meetings, ideas and votes. "
        "Other members of a project see your name and what you add to it."
    ),
    Purpose.ACCESS_NEEDS: _(
        "We keep a note of what helps you take part, like large print or breaks. "
        "Only you and the co-leads of your projects can see it. "
        "If you say no, we delete your access needs straight away."
    ),
    Purpose.QUOTING: _(
        "Your words, like your ideas or why you objected, can be shown in reports. "
        "A commissioner reads these reports. If you say no, reports leave your words out. "
        "Your vote still counts."
    ),
    Purpose.SURVEYS: _(
        "We may ask you a few short questions about how a project went. "
        "Reports show the totals, never your name."
    ),
    Purpose.NAME_SHARED: _(
        "Members of your projects, like a commissioner from the council, can connect their "
        "organisation's own systems to this site, such as a performance report. If you say "
        "yes, those systems may show your name next to your role. If you say no, or do not "
        "answer, they see your role and a number that stands for you, never your name. A name "
        "already copied into another system stays there: ask that organisation to remove it."
    ),
}

QUESTION = {
    Purpose.TAKING_PART: _("Do you agree to take part?"),
    Purpose.ACCESS_NEEDS: _("Do you agree that we keep your access needs?"),
    Purpose.QUOTING: _("Do you agree that reports may quote your words?"),
    Purpose.SURVEYS: _("Do you agree that we may send you evaluation surveys?"),
    Purpose.NAME_SHARED: _(
        "Do you agree that systems connected by members of your projects may show your name?"
    ),
}

CHOOSE = _("Choose yes or no: %(question)s")


class ConsentForm(forms.Form):
    """Yes or no for each purpose. A question left unanswered changes nothing, so someone who
    only wants to withdraw one thing does not have to decide the others first."""

    def __init__(self, *args: Any, current: dict[str, bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for purpose in Purpose:
            message = CHOOSE % {"question": QUESTION[purpose]}
            self.fields[purpose.value] = forms.ChoiceField(
                label=QUESTION[purpose],
                help_text=EXPLAINED[purpose],
                choices=[(YES, _("Yes")), (NO, _("No"))],
                required=False,
                widget=forms.RadioSelect,
                initial=None if purpose not in current else (YES if current[purpose] else NO),
                error_messages={"required": message, "invalid_choice": message},
            )

    def choices(self) -> dict[Purpose, bool]:
        return {
            purpose: self.cleaned_data[purpose.value] == YES
            for purpose in Purpose
            if self.cleaned_data.get(purpose.value)
        }
