"""The survey form, built from a questionnaire's questions (its Items) when the page is asked.

A ladder or a rating is a group of radio buttons, each with its label and, where the
questionnaire gives one, the one-sentence meaning as its hint; words are a text box. Every
question may be skipped (the questionnaires say so), but a form with nothing in it is
refused, so a stray tap on "Save" does not count as an answer.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce import limits

from ..models import COMMENT, Item, Scale

NAMED = "named"
NOTHING_ANSWERED = _("Answer at least one question, or write a comment, then save.")
NO_ANSWER = _("I would rather not answer this")


class HintedRadioSelect(forms.RadioSelect):
    """Radio buttons with a hint under each option, linked to it by aria-describedby."""

    option_template_name = "evaluation/widgets/hinted_radio_option.html"

    def __init__(self, *args: Any, hints: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hints = hints

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        hint = self.hints.get(str(option["value"]), "")
        option["hint"] = hint
        if hint and option["attrs"].get("id"):
            option["hint_id"] = f"{option['attrs']['id']}_hint"
            described = " ".join(
                filter(None, [option["attrs"].get("aria-describedby"), option["hint_id"]])
            )
            option["attrs"] = {**option["attrs"], "aria-describedby": described}
        return option


def item_field(item: Item) -> forms.Field:
    """The form field that asks `item`: radios for a scale, a text box for words."""
    if item.scale == Scale.TEXT:
        return limits.text_field(
            limit=COMMENT, label=item.question, help_text=item.help_text, required=False
        )
    choose = _("Choose one of the answers to: %(question)s") % {"question": item.question}
    return forms.ChoiceField(
        label=item.question,
        help_text=item.help_text,
        choices=[
            *((str(value), label) for value, (label, _meaning) in enumerate(item.points, 1)),
            # Last, so an answer chosen by mistake can be taken back: the question is skipped.
            ("", NO_ANSWER),
        ],
        required=False,
        widget=HintedRadioSelect(
            hints={str(value): meaning for value, (_label, meaning) in enumerate(item.points, 1)}
        ),
        error_messages={"invalid_choice": choose},
    )


class SurveyForm(forms.Form):
    """One field per question (named by the item's key), then whether the project team may
    see the person's name with their comment (off unless ticked)."""

    def __init__(
        self, *args: Any, items: list[Item], answered_before: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        # Someone who answered before may send nothing: that takes all their answers back.
        self.answered_before = answered_before
        for item in items:
            self.fields[item.key] = item_field(item)
        self.fields[NAMED] = forms.BooleanField(
            label=_("The project team may see my name with my comment"),
            help_text=_(
                "If you leave this unticked, the team sees your comment without your name."
            ),
            required=False,
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            self.items
            and not self.errors
            and not self.answered_before
            and not any(cleaned.get(i.key) for i in self.items)
        ):
            # On the first question, so the error summary links to where to start.
            self.add_error(self.items[0].key, NOTHING_ANSWERED)
        return cleaned

    def answers(self) -> dict[str, int | str | None]:
        """{item key: 1..7 for a scale, words for a text, None when skipped}."""
        found: dict[str, int | str | None] = {}
        for item in self.items:
            value = self.cleaned_data.get(item.key)
            if item.scale == Scale.TEXT:
                found[item.key] = value.strip() if value and value.strip() else None
            else:
                found[item.key] = int(value) if value else None
        return found

    @property
    def takes_everything_back(self) -> bool:
        """Nothing chosen and no comment, from someone who answered before."""
        return not any(value is not None for value in self.answers().values())

    @property
    def named(self) -> bool:
        return bool(self.cleaned_data.get(NAMED))
