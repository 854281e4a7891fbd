"""Signing in with a code sent by text message, for people with no email address they rely on.

The "Text me a code" page takes a mobile number and hands over to allauth's login-by-code
flow, which texts a six-digit code (adapter.send_verification_code_sms) and asks for it on
allauth's code page: the same rate limits, attempts and expiry as a code by email. Only a
number the person has checked (by an invitation sent to it, or a code) signs in. The page
answers the same whether or not the number has an account, so it reveals nothing about who
has one.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.views import RequestLoginCodeView
from allauth.core import context, ratelimit
from django import forms
from django.utils.translation import gettext_lazy as _

from .contact import InvalidContact, normalise_phone
from .limits import PHONE, MaxChars


class TextMeACodeForm(forms.Form):
    phone = forms.CharField(
        label=_("Your mobile number"),
        help_text=_("The number we send your texts to. For example, 07700 900123."),
        validators=[MaxChars(PHONE)],
        error_messages={"required": _("Enter your mobile number.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read by allauth's view: the account to text, or None (no text is sent then).
        self._user: Any = None

    def clean_phone(self) -> str:
        try:
            phone = normalise_phone(self.cleaned_data["phone"])
        except InvalidContact as error:
            raise forms.ValidationError(str(error)) from None
        if not ratelimit.consume(context.request, action="request_login_code", key=phone):
            raise forms.ValidationError(
                _(
                    "You asked for too many codes. Wait a few minutes, then try again. If it "
                    "still does not work, try again tomorrow."
                )
            )
        self._user = get_adapter().get_user_by_phone(phone)
        return phone


class TextMeACodeView(RequestLoginCodeView):  # type: ignore[misc]
    """allauth's "send me a sign-in code" page, for a mobile number instead of an email."""

    form_class = TextMeACodeForm
    template_name = "account/request_login_code_by_text.html"

    def get_form_class(self) -> type[TextMeACodeForm]:
        return TextMeACodeForm


text_me_a_code = TextMeACodeView.as_view()
