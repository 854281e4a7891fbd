"""Django's four password checks, with their rules and refusals in plain words.

The checks themselves are Django's (django.contrib.auth.password_validation); only the words
change, because the rules are read out to people who may read with difficulty ("can't be
entirely numeric" becomes "Do not use only numbers"). Named in settings.AUTH_PASSWORD_VALIDATORS.
"""

from __future__ import annotations

from django.contrib.auth import password_validation as django_checks
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


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
    def get_help_text(self) -> str:
        return _("Do not use your name or email address.")

    def get_error_message(self) -> str:
        return _("This password is too like your %(verbose_name)s. Try something else.")


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
