"""Django's four password checks, with their rules and refusals in plain words.

The checks themselves are Django's (django.contrib.auth.password_validation); only the words
change, because the rules are read out to people who may read with difficulty ("can't be
entirely numeric" becomes "Do not use only numbers"). Named in settings.AUTH_PASSWORD_VALIDATORS.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation as django_checks
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


class LongEnough(django_checks.MinimumLengthValidator):
    def get_help_text(self) -> str:
        return ngettext(
            "Use at least %(min_length)d character.",
            "Use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_error_message(self) -> str:
        return (
            ngettext(
                "This password is too short. Use at least %d character.",
                "This password is too short. Use at least %d characters.",
                self.min_length,
            )
            % self.min_length
        )


class NotLikeYourDetails(django_checks.UserAttributeSimilarityValidator):
    """Django's check, on this site's own details of a person: the name they go by (Django
    looks for first and last names, which this site does not have), the email address and
    the mobile number, each called by its everyday name in the refusal."""

    DETAILS = {
        "display_name": gettext_lazy("name"),
        "email": gettext_lazy("email address"),
        "phone": gettext_lazy("mobile number"),
    }

    def __init__(self, max_similarity: float = 0.7) -> None:
        super().__init__(user_attributes=tuple(self.DETAILS), max_similarity=max_similarity)

    def validate(self, password: str, user: Any = None) -> None:
        # One detail at a time, so that the refusal can say which one.
        for attribute, detail in self.DETAILS.items():
            one = django_checks.UserAttributeSimilarityValidator((attribute,), self.max_similarity)
            try:
                one.validate(password, user)
            except ValidationError:
                raise ValidationError(
                    _("This password is too like your %(detail)s. Try something else."),
                    code="password_too_similar",
                    params={"detail": detail},
                ) from None

    def get_help_text(self) -> str:
        return _("Do not use your name or email address.")


class NotCommon(django_checks.CommonPasswordValidator):
    def get_help_text(self) -> str:
        return _("Do not use a password that lots of people use.")

    def get_error_message(self) -> str:
        return _("Lots of people use this password. Try something else.")


class NotOnlyNumbers(django_checks.NumericPasswordValidator):
    def get_help_text(self) -> str:
        return _("Do not use only numbers.")

    def get_error_message(self) -> str:
        return _("This password is only numbers. Add some letters.")
