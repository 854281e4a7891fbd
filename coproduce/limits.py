"""How long, and on how many lines, what people type may be: one set of numbers and messages.

Every model, form and service takes its limits from here, so a proposal is refused with the
same words whether it comes from the web page, the admin or a management command.

Why these numbers: a page or an email quotes these texts whole, so each limit is the most a
reader can take in at once, with room to spare for what people actually write.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# Single-line fields: shown in lists, page titles and email subjects.
PROJECT_TITLE = 200  # the longest subject line that still shows whole in most mail programs
PERSON_NAME = 80  # a full name with middle names, or a nickname
API_TOKEN_NAME = 80  # what a key is for, e.g. "Council performance report"
PHONE = 32  # "+44 (0) 7700 900 123" with room to spare; stored in E.164 (16 at most)

# Multi-line fields: quoted whole on pages and in emails.
PROJECT_SUMMARY = 2_000  # a few paragraphs; shown at the top of every project page
PROPOSAL = 5_000  # about 800 words, two printed pages: what everyone is asked to decide
WHAT_CHANGES = 5_000
VOTE_REASON = 2_000  # why someone objects: read by the co-leads who must respond
RESPONSE = 5_000  # the answer to an objection or a contribution ("you said, we did")
SIGNOFF_REASONS = 5_000  # a commissioner's reasons, read by every member
CONTRIBUTION = 5_000  # an idea, comment or concern
INVITATION_MESSAGE = 1_000  # a few personal words, quoted in the invitation email or text
ACTIVITY_PLACE = 300  # an address with directions ("side door, ring the bell")
ACTIVITY_LINK = 500  # a video call link, which can carry a long meeting code
ADJUSTMENT = 2_000  # what someone needs to take part in one activity
CANCEL_REASON = 1_000  # a few sentences on why an activity is called off, sent to members

# The same form sent again this soon is a double tap or a retry on a slow connection, not a
# second thing to record: starting a project, inviting someone, adding an idea.
RESUBMIT_WINDOW = timedelta(minutes=1)

TOO_LONG = _("Write at most %(limit_value)s characters; you wrote %(show_value)s.")
NOT_ONE_LINE = _(
    "Write this on one line, without line breaks, tabs or other invisible control characters."
)
# For a model CharField, whose own length check (Django's) must use the same words.
CHAR_FIELD_ERRORS = {"max_length": TOO_LONG}

# Unicode "other, control" (the ASCII and Latin-1 controls: line feed, tab, NUL, escape...)
# and the line and paragraph separators. Format characters (joiners) are left alone: some
# scripts and emoji need them.
_NOT_IN_A_LINE = frozenset({"Cc", "Zl", "Zp"})


def grouped(number: int) -> str:
    """5000 as "5,000", in the site's language."""
    return number_format(number, force_grouping=True)


@deconstructible
class MaxChars(MaxLengthValidator):
    """Django's length check, with the site's plain message and grouped figures."""

    message = TOO_LONG

    def __call__(self, value: Any) -> None:
        length = self.clean(value)
        if self.compare(length, self.limit_value):
            raise ValidationError(
                self.message,
                code=self.code,
                params={"limit_value": grouped(self.limit_value), "show_value": grouped(length)},
            )


def has_words(value: str) -> bool:
    """Whether `value` says anything: at least one letter or digit. A required reason of "."
    or of an emoji alone is treated as empty, since no one can respond to it."""
    return any(character.isalnum() for character in value)


# The bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069):
# invisible, they reverse how the rest of a line is shown, so a name could display as
# something else, on its page and on the buttons that name it (Unicode TR #9).
_DIRECTION_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def has_control_characters(value: str) -> bool:
    return any(
        unicodedata.category(char) in _NOT_IN_A_LINE or char in _DIRECTION_CONTROLS
        for char in value
    )


def single_line(value: str) -> None:
    """Refuse line breaks and control characters: they break email headers and page layout."""
    if has_control_characters(value):
        raise ValidationError(NOT_ONE_LINE, code="not_one_line")


def too_long(value: str, limit: int) -> str:
    """The plain message when `value` is over `limit` characters, else "".

    Counted without the spaces around it, which forms and services trim before saving.
    """
    length = len(value.strip())
    if length <= limit:
        return ""
    return str(TOO_LONG) % {"limit_value": grouped(limit), "show_value": grouped(length)}


def refuse_too_long(value: str, *, limit: int, error: type[Exception]) -> None:
    """For services: raise `error` (their own error type) with the plain message."""
    if problem := too_long(value, limit):
        raise error(problem)


def refuse_not_one_line(value: str, *, error: type[Exception]) -> None:
    if has_control_characters(value):
        raise error(str(NOT_ONE_LINE))


def one_line(text: str) -> str:
    """`text` with every run of spaces and control characters made one space: for email
    subjects built from titles and names stored before they were checked."""
    spaced = "".join(" " if unicodedata.category(c) in _NOT_IN_A_LINE else c for c in text)
    return " ".join(spaced.split())


# --- Form fields ------------------------------------------------------------------------------
# No max_length on the form field: it would add a maxlength attribute, and browsers cut pasted
# text at it without a word. The server refuses instead, keeping what was typed (STYLE 21).


def text_field(*, limit: int, **kwargs: Any) -> forms.CharField:
    """A multi-line text box that refuses more than `limit` characters."""
    kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
    return forms.CharField(validators=[MaxChars(limit)], **kwargs)


def line_field(*, limit: int, **kwargs: Any) -> forms.CharField:
    """A one-line text box that refuses line breaks and more than `limit` characters."""
    return forms.CharField(validators=[MaxChars(limit), single_line], **kwargs)


def model_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """ModelForm's `formfield_callback`: a model's length limit checked as `text_field` does."""
    limit = getattr(db_field, "max_length", None)
    if isinstance(db_field, models.CharField) and limit and not db_field.choices:
        kwargs.update(max_length=None, validators=[MaxChars(limit)])
    return db_field.formfield(**kwargs)
