"""Forms for inviting people and for saying yes to an invitation. Services make the changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from coproduce.contact import (
    InvalidContact,
    display_phone,
    optional_phone,
    validate_email_address,
)
from projects.models import Role

# About 500 lines of name, email, phone and role, with room to spare.
MAX_CSV_BYTES = 200_000

ROLE_HELP = _(
    "Experts by experience and practitioners vote, with an equal say. Commissioners sign "
    "decisions off and do not vote."
)


class PhoneField(forms.CharField):
    """An optional mobile number, stored in one normal form ("" when left empty)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, validators=[limits.MaxChars(limits.PHONE)], **kwargs)

    def prepare_value(self, value: Any) -> Any:
        """A stored number is shown the way people write it; what someone typed stays as typed."""
        if isinstance(value, str) and value.startswith("+"):
            return display_phone(value)
        return value

    def clean(self, value: Any) -> str:
        phone: str = super().clean(value)
        try:
            return optional_phone(phone)
        except InvalidContact as error:
            raise forms.ValidationError(str(error)) from None


class InviteForm(forms.Form):
    name = limits.line_field(
        limit=limits.PERSON_NAME,
        label=_("Their name (optional)"),
        required=False,
        help_text=_("Used to greet them in the invitation."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # No max_length: a browser would cut a pasted address short without a word; the one
    # check that every email form uses says what is wrong instead.
    email = forms.EmailField(
        label=_("Their email address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # In place of Django's own check, which lets 320-character addresses through.
        self.fields["email"].validators = [validate_email_address]

    phone = PhoneField(
        label=_("Their mobile number"),
        help_text=_("Give an email address, a mobile number or both. We text the link to mobiles."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    role = forms.ChoiceField(
        label=_("Their role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        help_text=ROLE_HELP,
        error_messages={
            "required": _("Choose the role they will have."),
            "invalid_choice": _("Choose the role they will have."),
        },
    )
    message = limits.text_field(
        limit=limits.INVITATION_MESSAGE,
        label=_("A personal message (optional)"),
        required=False,
        help_text=_("A few words from you make people more likely to join."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("email") and not data.get("phone"):
            self.add_error("email", _("Give an email address or a mobile number, or both."))
        return data


class BulkInviteForm(forms.Form):
    csv_text = forms.CharField(
        label=_("Paste the list"),
        # Characters, not bytes, but near enough: the same cap as an uploaded file.
        max_length=MAX_CSV_BYTES,
        required=False,
        error_messages={
            "max_length": _("The list is too long. Send at most 500 people at a time.")
        },
        help_text=_(
            "One person per line: name, email, phone, role, separated by commas, semicolons "
            "or tabs. The first line may name the columns. Leave email or phone empty if you "
            "only have one of them."
        ),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    csv_file = forms.FileField(
        label=_("Or upload a CSV file"),
        required=False,
        help_text=_(
            "Save a spreadsheet as CSV. Use one or the other: the file wins if you give both."
        ),
    )
    default_role = forms.ChoiceField(
        label=_("Role for people whose line gives none"),
        choices=[("", _("No default")), *Role.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose a role from the list, or no default.")},
    )
    message = limits.text_field(
        limit=limits.INVITATION_MESSAGE,
        label=_("A personal message for everyone (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("csv_file")
        if upload is not None:
            if upload.size > MAX_CSV_BYTES:
                self.add_error(
                    "csv_file", _("The file is too big. Send at most 500 people at a time.")
                )
                return data
            raw = upload.read()
            # Spreadsheets save CSV as UTF-8 (often with a byte-order mark) or, on older
            # Windows, as Windows-1252; anything else is refused with a plain message.
            for encoding in ("utf-8-sig", "cp1252"):
                try:
                    data["csv_text"] = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                self.add_error("csv_file", _("This file is not a CSV file we can read."))
        if not self.errors and not data.get("csv_text", "").strip():
            self.add_error("csv_text", _("Paste the list, or choose a CSV file to upload."))
        role = data.get("default_role")
        data["default_role"] = Role(role) if role else None
        return data


class AcceptForm(forms.Form):
    """Joining with an account whose email differs from the invitation needs a yes."""

    confirm_account = forms.BooleanField(required=False)
