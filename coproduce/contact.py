"""Email addresses and phone numbers as people type them, checked and put in one form.

Phone numbers are stored in E.164 form ("+447700900123"), whichever way they were typed:
"07700 900123", "+44 7700 900123" and "0044 7700 900123" are one number, so they find one
invitation and one member. A number without a country code is read as a number of
PHONE_DEFAULT_REGION.
"""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The longest address RFC 5321 lets through (and the length of every email column we keep).
MAX_EMAIL_LENGTH = 254


class InvalidContact(ValueError):
    """The address or number cannot be used; str(error) says why in plain English."""


def normalise_email(value: str) -> str:
    email = value.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH:
        raise InvalidContact(
            ngettext(
                "This email address is too long: an address has at most %(max)d character.",
                "This email address is too long: an address has at most %(max)d characters.",
                MAX_EMAIL_LENGTH,
            )
            % {"max": MAX_EMAIL_LENGTH}
        )
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
