"""Forms for the project pages. They validate input; the services make the change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from coproduce import limits

from ..models import MIN_VOTING_WINDOW_HOURS, VOTING_ROLES, DecisionRule, Project, Role

QUORUM_HINT = _(
    "The quorum must be a number from 0 to 1. For example, 0.5 means half of each group."
)
# Every way a quorum can be mistyped gets the same plain hint, not "no more than 3 digits".
QUORUM_ERRORS = ("required", "invalid", "max_digits", "max_decimal_places", "max_whole_digits")
WINDOW_TOO_SHORT = format_lazy(
    _("Voting must stay open for at least {hours} hours, so everyone has time to take part."),
    hours=MIN_VOTING_WINDOW_HOURS,
)
WINDOW_TOO_LONG = _("Voting can stay open for 4 weeks (672 hours) at most.")

# The decision rules in plain words; the model keeps the short names shown on the project page.
RULE_CHOICES = [
    (
        DecisionRule.DUAL_KEY.value,
        _(
            "Both groups must agree (dual key). In each group, more people must approve than "
            "object. A bigger group can never outvote a smaller one."
        ),
    ),
    (
        DecisionRule.PARITY_WEIGHTED.value,
        _(
            "Each group counts for half (parity weighted). We take the share of yes votes in "
            "each group and give each group the same weight. The vote passes when the total "
            "is more than half."
        ),
    ),
    (
        DecisionRule.CONSENT.value,
        _(
            "Consent: nobody objects. The vote passes only if no one objects and at least one "
            "person in each group approves."
        ),
    ),
]

SETTINGS_FIELDS = [
    "title",
    "summary",
    "decision_rule",
    "quorum",
    "min_votes_per_bloc",
    "voting_window_hours",
    "signoff_every_gate",
]


class ProjectSettingsForm(forms.ModelForm[Project]):
    """A project's title, summary and how it makes decisions.

    The model's validators still run (ModelForm checks them); the clean methods only put the
    most common mistakes into words anyone can follow.
    """

    class Meta:
        model = Project
        fields = SETTINGS_FIELDS
        # The title's length refused in the site's words (the model also keeps it on one line).
        formfield_callback = limits.model_formfield
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "decision_rule": forms.RadioSelect,
            "quorum": forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}),
        }
        # The settings words ("quorum", "dual key", "sign-off") explained in plain words next
        # to each control, since the people choosing them may meet these words for the first
        # time here.
        labels = {
            "decision_rule": _("How a vote passes"),
            "quorum": _("Quorum"),
            "min_votes_per_bloc": _("Fewest votes in each group"),
            "voting_window_hours": _("Voting time in hours"),
            "signoff_every_gate": _("A commissioner signs off every move to the next stage"),
        }
        help_texts = {
            "decision_rule": _("Choose how the votes of the two groups add up to a result."),
            "quorum": _(
                "How many in each group must vote for the result to count. Write it as a part "
                "of 1: 0.5 means half of each group. Abstaining counts as a vote."
            ),
            "min_votes_per_bloc": _(
                "The result counts only when at least this many people in each group have "
                "voted. This matters most in a small group."
            ),
            "voting_window_hours": _(
                "How long each vote stays open, so everyone has time to take part. "
                "At least 24 hours. 72 hours is 3 days."
            ),
            "signoff_every_gate": _(
                "Sign-off means a commissioner checks that both groups really decided together "
                "before the project moves on. It is always needed to leave the commissioning "
                "stage. Tick this box to need it at every stage."
            ),
        }
        error_messages = {
            "title": {"required": _("Enter a title for the project.")},
            "summary": {"required": _("Say in a few plain words what the project is for.")},
            "decision_rule": {
                "required": _("Choose how decisions are made."),
                "invalid_choice": _("Choose how decisions are made."),
            },
            "quorum": {key: QUORUM_HINT for key in QUORUM_ERRORS},
            "min_votes_per_bloc": {
                "required": _("Enter the smallest number of votes each group needs, such as 2."),
                "invalid": _("Enter a whole number, such as 2."),
                "min_value": _("The minimum number of votes must be from 1 to 50."),
            },
            "voting_window_hours": {
                "required": _("Enter how many hours voting stays open, such as 72."),
                "invalid": _("Enter a whole number of hours, such as 72."),
                "min_value": WINDOW_TOO_SHORT,
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each rule's name, then what it means, read together with its radio button.
        self.fields["decision_rule"].choices = RULE_CHOICES  # type: ignore[attr-defined]

    def clean_quorum(self) -> Decimal:
        quorum: Decimal = self.cleaned_data["quorum"]
        if not Decimal("0") <= quorum <= Decimal("1"):
            raise forms.ValidationError(QUORUM_HINT)
        return quorum

    def clean_min_votes_per_bloc(self) -> int:
        votes: int = self.cleaned_data["min_votes_per_bloc"]
        if not 1 <= votes <= 50:
            raise forms.ValidationError(_("The minimum number of votes must be from 1 to 50."))
        return votes

    def clean_voting_window_hours(self) -> int:
        hours: int = self.cleaned_data["voting_window_hours"]
        if hours < MIN_VOTING_WINDOW_HOURS:
            raise forms.ValidationError(WINDOW_TOO_SHORT)
        if hours > 24 * 28:
            raise forms.ValidationError(WINDOW_TOO_LONG)
        return hours

    def changes(self) -> dict[str, Any]:
        """The validated values, ready for services.update_settings."""
        return {name: self.cleaned_data[name] for name in SETTINGS_FIELDS}


class NewProjectForm(ProjectSettingsForm):
    """Starting a project: the settings, plus the role the person starting it will have."""

    # The person starting a project becomes a co-lead, and co-leads come from the voting
    # groups; commissioners join by invitation.
    role = forms.ChoiceField(
        label=_("Your role in this project"),
        choices=[(r.value, r.label) for r in VOTING_ROLES],
        widget=forms.RadioSelect,
        help_text=_(
            "You will be a co-lead. Experts by experience and practitioners vote on decisions. "
            "Invite a commissioner later to sign off that the work was done together."
        ),
        error_messages={
            "required": _("Choose your role in this project."),
            "invalid_choice": _("Choose your role in this project."),
        },
    )

    field_order = ["title", "summary", "role"]


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        error_messages={
            "required": _("Choose a role."),
            "invalid_choice": _("Choose a role from the list."),
        },
    )


class CoLeadForm(forms.Form):
    # "true" makes the person a co-lead and "false" stops it; anything else is refused,
    # so a stray request cannot quietly remove someone's co-lead role.
    is_co_lead = forms.TypedChoiceField(
        choices=[("true", _("Make co-lead")), ("false", _("Stop being co-lead"))],
        coerce=lambda value: value == "true",
    )


class ConfirmForm(forms.Form):
    """The second step of a change that cannot be undone from the same page. The page's button
    sends `confirm`; a request without it is answered with this message, not the page again."""

    confirm = forms.BooleanField(
        error_messages={"required": _("Nothing was changed. Press the button to confirm.")}
    )
