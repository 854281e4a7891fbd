"""The forms of an activity: planning it, replying, asking for an adjustment, recording
whether an adjustment was provided, and recording who took part."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from coproduce.item_forms import ItemForm
from projects.models import Membership

from ..models import Activity, ActivityKind, Answer, Presence

MINUTES_HINT = _("In minutes. For example, 90 for an hour and a half.")


def _minutes(label: Any, *, minimum: int, required: Any, help_text: Any = MINUTES_HINT) -> Any:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=24 * 60,
        help_text=help_text,
        error_messages={
            "required": required,
            "invalid": _("Enter a whole number of minutes, like 30."),
            "min_value": _("Enter %(limit_value)s minutes or more."),
            "max_value": _("Enter at most %(limit_value)s minutes (a whole day)."),
        },
    )


class ActivityForm(forms.Form):
    """Plan or change an activity. The start is a day and a time, kept as two boxes that work
    on any phone; `cleaned_data` joins them into `starts_at` on the site's clock."""

    kind = forms.ChoiceField(
        label=_("What kind of activity is it?"),
        choices=ActivityKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what kind of activity it is."),
            "invalid_choice": _("Choose what kind of activity it is."),
        },
    )
    title = limits.line_field(
        limit=limits.PROJECT_TITLE,
        label=_("Title"),
        help_text=_("A few words people will know it by. For example, Planning the drop-in."),
        error_messages={"required": _("Enter a title for the activity.")},
    )
    day = forms.DateField(
        label=_("Day"),
        help_text=_("For example, 14/03/2027."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the day it happens."),
            "invalid": _("Enter the day as day/month/year, like 14/03/2027."),
        },
    )
    time = forms.TimeField(
        label=_("Start time"),
        help_text=_("For example, 14:30."),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={
            "required": _("Enter the time it starts."),
            "invalid": _("Enter the time as hours and minutes, like 14:30."),
        },
    )
    duration_minutes = _minutes(
        _("How long it lasts"), minimum=1, required=_("Enter how long it lasts, in minutes.")
    )
    place = limits.line_field(
        limit=limits.ACTIVITY_PLACE,
        label=_("Where"),
        required=False,
        help_text=_("The address, and how to find the room. Leave empty if it is only online."),
    )
    video_link = forms.URLField(
        label=_("Video call link"),
        required=False,
        max_length=limits.ACTIVITY_LINK,
        assume_scheme="https",
        help_text=_("Leave empty if it only happens in person."),
        error_messages={"invalid": _("Enter the whole link, starting with https://.")},
    )
    preparation_minutes = _minutes(
        _("Time to prepare"),
        minimum=0,
        required=_("Enter the time to prepare, in minutes (0 for none)."),
        help_text=_("In minutes, for reading papers beforehand. 0 for none."),
    )
    follow_up_minutes = _minutes(
        _("Follow-up time"),
        minimum=0,
        required=_("Enter the follow-up time, in minutes (0 for none)."),
        help_text=_("In minutes, for anything to do afterwards. 0 for none."),
    )
    papers_sent_on = forms.DateField(
        label=_("Papers sent on (optional)"),
        required=False,
        help_text=_("The day papers went out to read beforehand, if any."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the day as day/month/year, like 14/03/2027.")},
    )

    def __init__(self, *args: Any, activity: Activity | None = None, **kwargs: Any) -> None:
        if activity is not None and "initial" not in kwargs:
            start = timezone.localtime(activity.starts_at)
            kwargs["initial"] = {
                "kind": activity.kind,
                "title": activity.title,
                "day": start.date(),
                "time": start.time().replace(second=0, microsecond=0),
                "duration_minutes": activity.duration_minutes,
                "place": activity.place,
                "video_link": activity.video_link,
                "preparation_minutes": activity.preparation_minutes,
                "follow_up_minutes": activity.follow_up_minutes,
                "papers_sent_on": activity.papers_sent_on,
            }
        kwargs["initial"] = {
            "preparation_minutes": 0,
            "follow_up_minutes": 0,
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("place", "").strip() and not data.get("video_link"):
            self.add_error("place", _("Enter where it happens, or a video call link, or both."))
        return data

    def changes(self) -> dict[str, Any]:
        """The cleaned fields as the activity services take them."""
        data = dict(self.cleaned_data)
        day, time = data.pop("day"), data.pop("time")
        data["starts_at"] = timezone.make_aware(datetime.combine(day, time))
        return data


class ReplyForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Will you come?"),
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose coming, not coming or not sure."),
            "invalid_choice": _("Choose coming, not coming or not sure."),
        },
    )


class AdjustmentForm(forms.Form):
    need = limits.text_field(
        limit=limits.ADJUSTMENT,
        label=_("What do you need to take part?"),
        help_text=_(
            "For example, large print papers, a quiet room, a break every hour, or someone to "
            "come with you. Only you and the co-leads can see this."
        ),
        error_messages={"required": _("Write what you need.")},
    )


class CancelForm(forms.Form):
    """Calling an activity off: the reason is optional, and sent to members who may come."""

    reason = limits.text_field(
        limit=limits.CANCEL_REASON,
        label=_("Why is it cancelled? (optional)"),
        help_text=_(
            "For example, the room is not free, or too few people can come. "
            "We send this to everyone who said they are coming or not sure."
        ),
        required=False,
    )


class ProvidedForm(ItemForm):
    """A co-lead's record, under one member's adjustment, of whether it was provided."""

    id_prefix = "adjustment"
    provided = forms.ChoiceField(
        label=_("Was this provided?"),
        choices=[("yes", _("Yes, provided")), ("no", _("No, not provided"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )


class AttendanceForm(forms.Form):
    """One row per member: took part or not. A row left empty records nothing for them."""

    def __init__(self, *args: Any, roll: list[Membership], recorded: dict[int, str], **kw: Any):
        super().__init__(*args, **kw)
        for membership in roll:
            self.fields[f"member_{membership.user_id}"] = forms.ChoiceField(
                label=str(membership.user),
                choices=Presence.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=recorded.get(membership.user_id),
                help_text=membership.get_role_display(),
                error_messages={
                    "invalid_choice": _("Choose took part or did not take part for %(name)s.")
                    % {"name": membership.user}
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A save with nobody marked records nothing; saying "saved" would mislead.
        if self.fields and not any(data.values()):
            raise forms.ValidationError(
                _("Mark at least one person as took part or did not take part.")
            )
        return data

    def presence(self) -> dict[int, str]:
        """User id → presence, for the rows that were answered."""
        return {
            int(name.removeprefix("member_")): value
            for name, value in self.cleaned_data.items()
            if value
        }
