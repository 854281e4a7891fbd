"""Joining a project from an invitation with a new account. The form checks input; services
make changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from coproduce.models import User

from ..models import Invitation

PASSWORD_HELP = _(
    "Optional. Without one, we send you a code each time you sign in. If you choose a "
    "password, use at least 8 characters. Do not use only numbers, a common password, or "
    "anything like your name or email address."
)
# A typed password is never written back into the page (it would sit in the HTML, in the
# browser's cache and on a shared computer's screen), so a page that comes back says so.
RETYPE_PASSWORD_HELP = format_lazy(
    "{} {}",
    _("We cleared your password to keep it safe. Type it again, or leave it empty."),
    PASSWORD_HELP,
)


class JoinForm(forms.Form):
    """Joining from an invitation: a name (the inviter's guess filled in) and, if wanted, a
    password. The invitation link has already proved the email address or mobile number."""

    name = limits.line_field(
        limit=limits.PERSON_NAME,
        label=_("Your name"),
        help_text=_("A first name or nickname is fine. Other members will see it."),
        error_messages={"required": _("Enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password = forms.CharField(
        label=_("Choose a password (optional)"),
        required=False,
        strip=False,
        help_text=PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"name": invitation.name})
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        if not invitation.email:
            # A password signs in with an email address only; someone joining by text signs
            # in with a texted code, so a password would be a promise that does not work.
            del self.fields["password"]

    def add_error(self, field: str | None, error: Any) -> None:
        """Every mistake, the view's refusals included, comes through here: the page that
        comes back asks for a typed password again (it is not shown)."""
        super().add_error(field, error)
        if self.data.get("password"):
            self.fields["password"].help_text = RETYPE_PASSWORD_HELP

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            # An unsaved account, so the "too like your name or address" rule can compare.
            person = User(
                email=self.invitation.email or None,
                phone=self.invitation.phone,
                display_name=data.get("name") or "",
            )
            try:
                password_validation.validate_password(password, user=person)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data
