"""Forms for recording with help: what is recorded for whom, and the code read back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from coproduce.dates import moment
from coproduce.models import User
from projects.models import Choice, Gate

from ..models import Activity, Answer, ContributionKind, HelpKind
from ..services.assistance import CODE_DIGITS, Details


class MemberChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class ActivityChoiceField(forms.ModelChoiceField[Activity]):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{obj.title} ({moment(obj.starts_at)})"


class HelpForm(forms.Form):
    """Who it is for, what they want recorded, and its details. One page with a part for each
    kind, so it works without JavaScript; only the part for the chosen kind is read."""

    member = MemberChoiceField(
        label=_("Who are you recording for?"),
        queryset=User.objects.none(),
        empty_label=_("Choose a person"),
        error_messages={
            "required": _("Choose the person you are recording for."),
            "invalid_choice": _("Choose the person you are recording for."),
        },
    )
    kind = forms.ChoiceField(
        label=_("What do they want to record?"),
        choices=HelpKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what they want to record."),
            "invalid_choice": _("Choose what they want to record."),
        },
    )
    choice = forms.ChoiceField(
        label=_("Their vote"),
        # The words a member uses in a text or on the easy-read printout, beside the site's.
        choices=[
            (Choice.APPROVE, _("Approve (YES)")),
            (Choice.OBJECT, _("Object (NO)")),
            (Choice.ABSTAIN, _("Abstain (PASS)")),
        ],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose their vote.")},
    )
    reason = limits.text_field(
        limit=limits.VOTE_REASON,
        label=_("Their reason, in their words"),
        required=False,
        help_text=_("If they object, write why. If not, you can leave this empty."),
    )
    contribution_kind = forms.ChoiceField(
        label=_("What kind of thing is it?"),
        choices=ContributionKind.choices,
        initial=ContributionKind.IDEA,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose what kind of thing it is.")},
    )
    body = limits.text_field(
        limit=limits.CONTRIBUTION,
        label=_("What they want to say, in their words"),
        required=False,
    )
    activity = ActivityChoiceField(
        label=_("Which activity?"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=_("Choose an activity"),
        error_messages={"invalid_choice": _("Choose an activity from the list.")},
    )
    answer = forms.ChoiceField(
        label=_("Will they come?"),
        # Said of the member, not by them: the helper is filling this in.
        choices=[
            (Answer.COMING, _("Coming")),
            (Answer.NOT_COMING, _("Not coming")),
            (Answer.NOT_SURE, _("Not sure yet")),
        ],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose coming, not coming or not sure.")},
    )
    asked = forms.BooleanField(
        label=_("They asked me to record this for them, and it is in their words"),
        error_messages={"required": _("Tick the box to say they asked you to record this.")},
    )

    def __init__(
        self, *args: Any, members: list[User], gate: Gate | None, activities: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.gate = gate
        self.fields["member"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=[member.pk for member in members]
        ).order_by("display_name", "pk")
        self.fields["activity"].queryset = activities  # type: ignore[attr-defined]
        if gate is None:
            # No decision is open for votes, so there is nothing to vote on.
            self.fields["kind"].choices = [  # type: ignore[attr-defined]
                choice for choice in HelpKind.choices if choice[0] != HelpKind.VOTE
            ]
            for name in ("choice", "reason"):
                del self.fields[name]

    # The fields each kind reads; a mistake in another kind's part is not the person's concern.
    PARTS = {
        HelpKind.VOTE: ("choice", "reason"),
        HelpKind.IDEA: ("contribution_kind", "body"),
        HelpKind.REPLY: ("activity", "answer"),
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        for other, names in self.PARTS.items():
            if other != kind:
                # Only the chosen part is read: drop what was typed (or mistyped) elsewhere.
                for name in names:
                    self.errors.pop(name, None)
                    data.pop(name, None)
        if kind == HelpKind.VOTE:
            if not data.get("choice") and "choice" not in self.errors:
                self.add_error("choice", _("Choose their vote."))
            objecting = data.get("choice") == Choice.OBJECT
            reason = data.get("reason", "")
            if objecting and not limits.has_words(reason) and "reason" not in self.errors:
                self.add_error("reason", _("Write why they object, in their words."))
        elif kind == HelpKind.IDEA:
            if not limits.has_words(data.get("body", "")) and "body" not in self.errors:
                self.add_error("body", _("Write what they want to say, in their words."))
            if not data.get("contribution_kind") and "contribution_kind" not in self.errors:
                self.add_error("contribution_kind", _("Choose what kind of thing it is."))
        elif kind == HelpKind.REPLY:
            if not data.get("activity") and "activity" not in self.errors:
                self.add_error("activity", _("Choose an activity from the list."))
            if not data.get("answer") and "answer" not in self.errors:
                self.add_error("answer", _("Choose coming, not coming or not sure."))
        return data

    def details(self) -> Details:
        data = self.cleaned_data
        return Details(
            kind=HelpKind(data["kind"]),
            gate=self.gate,
            choice=data.get("choice", ""),
            reason=data.get("reason", ""),
            contribution_kind=data.get("contribution_kind", ""),
            body=data.get("body", ""),
            activity=data.get("activity"),
            answer=data.get("answer", ""),
        )


def upcoming_activities(project_id: int) -> Any:
    return Activity.objects.filter(project_id=project_id).going_ahead().upcoming(timezone.now())


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code they read to you"),
        help_text=_("6 numbers, from the text or email we sent them."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "size": CODE_DIGITS + 2,
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Type the code they read to you.")},
    )

    def clean_code(self) -> str:
        """The code without spaces. Anything but six digits is refused here, before the
        service, so a slip of the finger (a letter, five digits) uses none of the tries."""
        code = "".join(str(self.cleaned_data["code"]).split())
        if not (len(code) == CODE_DIGITS and code.isascii() and code.isdigit()):
            raise forms.ValidationError(
                _("The code is 6 numbers, like 123456. Check it with them and type it again."),
                code="not_a_code",
            )
        return code
