"""The forms on the evaluation report: the team's summary, and a peer research finding.

Both sit on one page, so each has its own prefix (`summary-`, `finding-`) to keep their ids
apart.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from coproduce.models import User
from participation.models import Activity, unquotable_ids
from projects.models import Project

from ..models.report import FINDING, METHOD, SUMMARY_PART, SummaryVersion


def _part(label: Any, hint: Any) -> forms.CharField:
    return limits.text_field(
        limit=SUMMARY_PART,
        label=label,
        help_text=hint,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SummaryForm(forms.Form):
    """The five parts of the summary, and the version the writer started from."""

    prefix = "summary"

    aim = _part(
        _("What the project set out to do"),
        _("The aim, in a sentence or two."),
    )
    taking_part = _part(
        _("How people took part"),
        _("Who took part, in what, and how often."),
    )
    results = _part(_("What came of it"), _("What the project made or changed."))
    lived_experience = _part(
        _("What changed because of lived experience"),
        _("What is different because experts by experience shaped it."),
    )
    differently = _part(
        _("What we would do differently"),
        _("What you learned, good and bad, for next time."),
    )
    based_on = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def parts(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in SummaryVersion.PARTS}

    @classmethod
    def from_version(cls, version: SummaryVersion | None) -> SummaryForm:
        """An empty form, or one filled in with `version`, to edit from there."""
        initial: dict[str, Any] = {"based_on": version.number if version else 0}
        if version is not None:
            initial.update(version.parts())
        return cls(initial=initial)


class FindingForm(forms.Form):
    """A finding, for `person` to add. Ticking `named` never changes what they agreed to: for
    someone who said no to being quoted the box says plainly that their name will not be
    shown, and links to their consent page (`refused_quoting`)."""

    prefix = "finding"

    title = limits.line_field(
        limit=limits.PROJECT_TITLE,
        label=_("Title"),
        help_text=_("A few words, such as: Evening sessions suit people in work."),
        error_messages={"required": _("Give the finding a title.")},
    )
    found = limits.text_field(
        limit=FINDING,
        label=_("What was found"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write what was found.")},
    )
    method = limits.line_field(
        limit=METHOD,
        label=_("How it was found"),
        help_text=_("For example: six interviews at the day centre."),
        error_messages={"required": _("Say how it was found.")},
    )
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        label=_("Activity (if there was one)"),
        empty_label=_("None of these"),
        error_messages={"invalid_choice": _("Choose one of the activities in the list.")},
    )
    named = forms.BooleanField(
        required=False,
        label=_("Show my name with this finding"),
        help_text=_(
            "Your name is shown while you agree to be quoted. If you say no to being quoted "
            "later, your name is no longer shown."
        ),
    )

    def __init__(self, *args: Any, project: Project, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["activity"])  # type: ignore[type-arg]
        field.queryset = Activity.objects.filter(project=project).going_ahead().past()
        self.refused_quoting = person.pk in unquotable_ids({person.pk})
        if self.refused_quoting:
            self.fields["named"].help_text = format_html(
                gettext(
                    "You said no to being quoted, so your name will not be shown, even if you "
                    "tick this. Ticking it does not change what you agreed to. To change that, "
                    'go to <a href="{url}">What you agree to</a>.'
                ),
                url=reverse("consent:mine"),
            )
