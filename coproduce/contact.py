"""Email addresses and phone numbers as people type them, checked and put in one form.

Phone numbers are stored in E.164 form ("+447700900123"), whichever way they were typed:
"07700 900123", "+44 7700 900123" and "0044 7700 900123" are one number, so they find one
invitation and one member. A number without a country code is read as a number of
PHONE_DEFAULT_REGION.

A number is read as typed: digits, with spaces, dashes, dots and brackets between them and a
"+" in front. Anything else is refused rather than guessed at: phonenumbers would read the
letters of "0800-FLOWERS" as digits, and "07700 9OO123" (letter O for zero) as another
person's number.
"""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# The longest address RFC 5321 lets through (and the length of every email column we keep).
MAX_EMAIL_LENGTH = 254
# \d: phonenumbers reads the digits of every script, as people may type them.
_AS_TYPED = re.compile(r"\+?[\d\s().\-]+")


class InvalidContact(ValueError):
    """The address or number cannot be used; str(error) says why in plain English."""


def email_too_long(value: str) -> str:
    """The plain message for an address longer than any we can keep, else ""."""
    if len(value.strip()) <= MAX_EMAIL_LENGTH:
        return ""
    return _("This email address is too long: an address has at most %(max)d characters.") % {
        "max": MAX_EMAIL_LENGTH
    }


def validate_email_address(value: str) -> None:
    """For form fields (allauth's included): one plain message, the length checked first.

    Django's own check lets addresses of up to 320 characters through, more than any email
    column keeps (254).
    """
    if problem := email_too_long(value):
        raise ValidationError(problem, code="max_length")
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(
            _("Enter a full email address, like name@example.org."), code="invalid"
        ) from None


def normalise_email(value: str) -> str:
    email = value.strip().lower()
    if problem := email_too_long(email):
        raise InvalidContact(problem)
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidContact(
            _("“%(email)s” is not a full email address, like name@example.org.") % {"email": value}
        ) from None
    return email


def normalise_phone(value: str) -> str:
    """The number in E.164 form, if it has the length of a mobile number in its country.

    Only the length is checked, not whether the range is in service: a number that is possible
    but unused fails when the text is sent, and Ofcom's drama numbers (07700 900000 to 900999)
    stay usable for demonstrations and tests.
    """
    typed = value.strip()
    if not _AS_TYPED.fullmatch(typed):
        raise InvalidContact(
            (
                _("“%(phone)s” has letters in it. Write the number in digits, like %(example)s.")
                if any(char.isalpha() for char in typed)
                else _(
                    "“%(phone)s” has signs we cannot read in a phone number. Write the number "
                    "in digits, like %(example)s: spaces, dashes and brackets are fine."
                )
            )
            % {"phone": typed, "example": _example_mobile()}
        )
    try:
        number = phonenumbers.parse(value, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or number.extension
        or not phonenumbers.is_possible_number_for_type(number, phonenumbers.PhoneNumberType.MOBILE)
    ):
        raise InvalidContact(
            _("“%(phone)s” is not a phone number we can text, like %(example)s.")
            % {"phone": value.strip(), "example": _example_mobile()}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def optional_phone(value: str) -> str:
    """The empty string when nothing was typed (a number is optional), else `normalise_phone`."""
    return normalise_phone(value) if value.strip() else ""


def _example_mobile() -> str:
    """A mobile number written the way people in PHONE_DEFAULT_REGION write them."""
    example = phonenumbers.example_number_for_type(
        settings.PHONE_DEFAULT_REGION, phonenumbers.PhoneNumberType.MOBILE
    )
    if example is None:
        return "+44 7700 900123"
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)


def display_phone(value: str) -> str:
    """A stored number (E.164, "+447700900123") written the way people in the site's country
    write it: "07700 900123" for a number of PHONE_DEFAULT_REGION, "+33 6 12 34 56 78" for one
    from elsewhere. Returns "" for "", and anything that does not parse unchanged."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value
    # By country code: Ofcom's drama numbers (07700 900xxx) belong to no region.
    home = number.country_code == phonenumbers.country_code_for_region(
        settings.PHONE_DEFAULT_REGION
    )
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
