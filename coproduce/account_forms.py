"""allauth's forms that take an email address, each refusing one too long to keep.

Django's email check lets addresses of up to 320 characters through; every email column holds
254. Left alone, allauth cuts a longer address to 254 at sign-up (an account at an address
nobody owns) and the account email page fails with a server error on PostgreSQL. These forms
refuse it with a plain message instead. They are named in settings.ACCOUNT_FORMS; they cannot
live in `coproduce.forms`, which allauth imports while building its own forms.
"""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from django import forms

from .contact import validate_email_address

EMAIL_FIELDS = ("email", "email2", "login")


class EmailAddressChecks(forms.Form):
    """Puts `validate_email_address` in place of Django's check on every email field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in EMAIL_FIELDS:
            field = self.fields.get(name)
            if isinstance(field, forms.EmailField):
                field.validators = [validate_email_address]


class LoginForm(EmailAddressChecks, allauth_forms.LoginForm):  # type: ignore[misc]
    pass


class SignupForm(EmailAddressChecks, allauth_forms.SignupForm):  # type: ignore[misc]
    pass


class AddEmailForm(EmailAddressChecks, allauth_forms.AddEmailForm):  # type: ignore[misc]
    pass


class ChangeEmailForm(EmailAddressChecks, allauth_forms.ChangeEmailForm):  # type: ignore[misc]
    pass


class ResetPasswordForm(EmailAddressChecks, allauth_forms.ResetPasswordForm):  # type: ignore[misc]
    pass


class RequestLoginCodeForm(EmailAddressChecks, allauth_forms.RequestLoginCodeForm):  # type: ignore[misc]
    pass


class ConfirmLoginCodeForm(allauth_forms.ConfirmLoginCodeForm):  # type: ignore[misc]
    """A code of digits (a texted code) opens the phone's number pad, and the phone may offer
    the code from the text it just received (autocomplete="one-time-code")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attrs = self.fields["code"].widget.attrs
        attrs["autocomplete"] = "one-time-code"
        if self.expected_code and str(self.expected_code).isdigit():
            attrs.update(inputmode="numeric", pattern="[0-9]*")
