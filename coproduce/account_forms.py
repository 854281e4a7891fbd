"""allauth's forms in the site's plain words, each refusing an email address too long to keep.

allauth labels its fields in title case with a colon ("Remember Me:"), repeats each label as a
placeholder and answers an empty field with "This field is required.". Every form here says
in plain words what a field is and what to do when it is left empty; placeholders are gone
(they vanish as soon as a person types, and a label already says it).

Django's email check lets addresses of up to 320 characters through; every email column holds
254. Left alone, allauth cuts a longer address to 254 at sign-up (an account at an address
nobody owns) and the account email page fails with a server error on PostgreSQL. These forms
refuse it with a plain message instead.

They are named in settings.ACCOUNT_FORMS and MFA_FORMS; they cannot live in `coproduce.forms`,
which allauth imports while building its own forms.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, NamedTuple

from allauth.account import forms as allauth_forms
from allauth.core import context
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.recovery_codes import forms as recovery_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from .contact import validate_email_address
from .limits import RESUBMIT_WINDOW


class Words(NamedTuple):
    """What a field is called and what to say when it is left empty."""

    label: str | StrPromise
    required: str | StrPromise


EMAIL = Words(_("Email address"), _("Enter your email address"))
PASSWORD = Words(_("Password"), _("Enter your password"))
NEW_PASSWORD = Words(_("New password"), _("Enter a new password"))
NEW_PASSWORD_AGAIN = Words(_("New password again"), _("Enter the new password again"))
EMAILED_CODE = Words(_("The code from the email"), _("Enter the code from the email"))
TEXTED_CODE = Words(_("The code from the text message"), _("Enter the code from the text message"))
APP_CODE = Words(_("The code from your authenticator app"), _("Enter the code from the app"))

# One entry per field name allauth uses; a form only relabels the fields it has.
WORDS: dict[str, Words] = {
    "login": EMAIL,
    "email": EMAIL,
    "password": PASSWORD,
    "remember": Words(_("Keep me signed in on this device"), ""),
    "oldpassword": Words(_("Your current password"), _("Enter your current password")),
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD_AGAIN,
    "code": EMAILED_CODE,
}

EMAIL_FIELDS = ("email", "email2", "login")


class PlainWords(forms.Form):
    """Relabels allauth's fields from `WORDS` (plus `words`, a form's own exceptions), with no
    colon after a label and no placeholder, and puts `validate_email_address` in place of
    Django's check on every email field."""

    words: dict[str, Words] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        for name, field in self.fields.items():
            words = self.words.get(name) or WORDS.get(name)
            if words is not None:
                field.label = words.label
                if words.required:
                    field.error_messages["required"] = words.required
            field.widget.attrs.pop("placeholder", None)
            if name in EMAIL_FIELDS and isinstance(field, forms.EmailField):
                field.validators = [validate_email_address]


class DigitCode(PlainWords):
    """A one-time code typed on a phone: the keypad of digits comes up, and the phone may offer
    the code it just received."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}
        )


class WithoutResetHint(PlainWords):
    """The "Forgot your password?" hint allauth hangs on a password field is a link, which
    makes a poor description of the field; the page shows the link after the form instead."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("password", "oldpassword"):
            if name in self.fields:
                self.fields[name].help_text = ""


# Digits with the spaces, brackets, dashes and plus sign people write numbers with.
LOOKS_LIKE_A_PHONE_NUMBER = re.compile(r"\+?[\d\s()-]{7,}")


def validate_sign_in_address(value: str) -> None:
    """The password form's email check, which points someone who typed their mobile number
    (people who joined by text) to the texted code instead of asking for an email address."""
    if LOOKS_LIKE_A_PHONE_NUMBER.fullmatch(value.strip()):
        raise forms.ValidationError(
            _("This is a mobile number. To sign in with it, choose Text me a code."),
            code="phone_number",
        )
    validate_email_address(value)


class LoginForm(WithoutResetHint, allauth_forms.LoginForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].validators = [validate_sign_in_address]

    def clean(self) -> dict[str, Any] | None:
        """allauth refuses a wrong address or password for the form as a whole; the message
        goes on the password field instead, so the error summary links to where to fix it."""
        try:
            return super().clean()
        except forms.ValidationError as error:
            self.add_error("password", error)
            return self.cleaned_data


class SignupForm(PlainWords, allauth_forms.SignupForm):  # type: ignore[misc]
    words = {
        "password1": Words(_("Choose a password"), _("Choose a password")),
        "password2": Words(_("Type the password again"), _("Type the password again")),
    }


class AddEmailForm(PlainWords, allauth_forms.AddEmailForm):  # type: ignore[misc]
    words = {"email": Words(_("Another email address"), _("Enter the email address to add"))}


class ChangeEmailForm(PlainWords, allauth_forms.ChangeEmailForm):  # type: ignore[misc]
    words = {"email": Words(_("New email address"), _("Enter the new email address"))}


class ResetPasswordForm(PlainWords, allauth_forms.ResetPasswordForm):  # type: ignore[misc]
    """Asked again for the same address within a minute (a double tap, a retry on a slow
    phone), it sends nothing more: the first email's link works. The answer is the same page
    either way, so it says nothing about whether the address has an account."""

    def save(self, request: HttpRequest, **kwargs: Any) -> str:
        email: str = self.cleaned_data["email"]
        digest = hashlib.sha256(email.lower().encode()).hexdigest()
        # cache.add is atomic in Redis, so two taps at once send one email too.
        if not cache.add(f"reset-password:{digest}", 1, RESUBMIT_WINDOW.total_seconds()):
            return email
        sent: str = super().save(request, **kwargs)
        return sent


class RequestLoginCodeForm(PlainWords, allauth_forms.RequestLoginCodeForm):  # type: ignore[misc]
    pass


class ConfirmLoginCodeForm(DigitCode, allauth_forms.ConfirmLoginCodeForm):  # type: ignore[misc]
    """The sign-in code from the email, or from the text message when the person asked for it
    on "Text me a code": a person who was texted a code is not sent to look for an email."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # allauth's code page keeps the sign-in under way, with its email or phone, on the
        # request; the form is built inside that page.
        stage = getattr(context.request, "_login_stage", None)
        self.by_text = bool(stage and stage.state.get("phone"))
        if self.by_text:
            self.fields["code"].label = TEXTED_CODE.label
            self.fields["code"].error_messages["required"] = TEXTED_CODE.required

    def clean_code(self) -> str:
        try:
            code: str = super().clean_code()
        except forms.ValidationError as error:
            if not self.by_text or error.code != "incorrect_code":
                raise
            raise forms.ValidationError(
                _("That code is not right. Check the text message and type the code again."),
                code="incorrect_code",
            ) from None
        return code


class ChangePasswordForm(WithoutResetHint, allauth_forms.ChangePasswordForm):  # type: ignore[misc]
    pass


NO_EMAIL_FOR_PASSWORD = _(
    "You sign in with a code we text to your mobile. A password only works with an email "
    "address: add an email address first, then you can add a password."
)


class SetPasswordForm(PlainWords, allauth_forms.SetPasswordForm):  # type: ignore[misc]
    """Adding a password. Someone who joined by text has no email address, and a password
    signs in with an email address only: saving one would be a promise that does not work."""

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.user is not None and not self.user.email:
            raise forms.ValidationError(NO_EMAIL_FOR_PASSWORD)
        return data


class ResetPasswordKeyForm(PlainWords, allauth_forms.ResetPasswordKeyForm):  # type: ignore[misc]
    pass


class ReauthenticateForm(WithoutResetHint, allauth_forms.ReauthenticateForm):  # type: ignore[misc]
    pass


class AuthenticateForm(DigitCode, mfa_forms.AuthenticateForm):  # type: ignore[misc]
    # The second step of signing in takes an app code or a recovery code (also digits).
    words = {"code": Words(_("Code"), _("Enter the code from your app or a recovery code"))}


class MfaReauthenticateForm(DigitCode, mfa_forms.ReauthenticateForm):  # type: ignore[misc]
    words = AuthenticateForm.words


class ActivateTOTPForm(DigitCode, totp_forms.ActivateTOTPForm):  # type: ignore[misc]
    words = {"code": APP_CODE}


class DeactivateTOTPForm(PlainWords, totp_forms.DeactivateTOTPForm):  # type: ignore[misc]
    pass


class GenerateRecoveryCodesForm(PlainWords, recovery_forms.GenerateRecoveryCodesForm):  # type: ignore[misc]
    pass
