"""How allauth decides who may sign up, how a sign-up is saved, and where the links in its
emails lead.

An invitation-only site (ACCOUNT_ALLOW_SIGNUP=false) still lets in whoever an app vouches for:
apps that build on this one (invitations live in `participation`) register a check here from
their AppConfig.ready(), so this base app never imports them.

Two sign-ups with one address at the same moment (a double tap on a slow phone) both pass the
form's "is this address taken?" check; the database refuses the second account. That one gets
the answer allauth gives any sign-up with an address that has an account: the "check your
email" page, never a server error.
"""

from collections.abc import Callable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.signup import prevent_enumeration
from allauth.account.stages import EmailVerificationStage
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .site import public_site, rebased
from .sms import send_text

SignupAllowance = Callable[[HttpRequest], bool]

_allowances: list[SignupAllowance] = []


def allow_signup_when(check: SignupAllowance) -> None:
    if check not in _allowances:
        _allowances.append(check)


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCOUNT_ALLOW_SIGNUP) or any(check(request) for check in _allowances)

    def save_user(
        self, request: HttpRequest, user: Any, form: BaseForm, commit: bool = True
    ) -> Any:
        if not commit:
            return super().save_user(request, user, form, commit=False)
        email = form.cleaned_data.get("email") or ""
        try:
            with transaction.atomic():
                return super().save_user(request, user, form, commit=True)
        except IntegrityError:
            if not email or not get_user_model().objects.filter(email__iexact=email).exists():
                raise
        # AccountMiddleware turns this into the response.
        raise ImmediateHttpResponse(prevent_enumeration(request, email=email))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth builds its links (address checks, password resets, "sign up instead") and
        names the site from the host of the request; ours come from SITE_URL. Both say the
        same address, whichever host the request used."""
        request: HttpRequest | None = allauth_context.request
        fixed = dict(context)
        if request is not None:
            host = request.get_host()
            for key, value in context.items():
                if isinstance(value, str):
                    fixed[key] = rebased(value, host)
        fixed["current_site"] = public_site()
        super().send_mail(template_prefix, email, fixed)

    # --- Phone numbers ------------------------------------------------------------------------
    # Someone invited by text may have no email address: they sign in with a code texted to
    # their number (User.phone, checked when User.phone_verified). allauth's login-by-code flow
    # calls these; the "Text me a code" page starts it (coproduce/phone_sign_in.py).

    def get_phone(self, user: Any) -> tuple[str, bool] | None:
        """(number, checked?) for an account with a mobile number, else None."""
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone(self, user: Any, phone: str, verified: bool) -> None:
        user.phone, user.phone_verified = phone, verified
        user.save(update_fields=["phone", "phone_verified"])

    def set_phone_verified(self, user: Any, phone: str) -> None:
        """Marks the account's number checked, unless another account has checked it first:
        one number signs in to one account (the one_account_per_verified_phone constraint)."""
        model = get_user_model()
        taken = model.objects.filter(phone=phone, phone_verified=True).exclude(pk=user.pk)
        if user.phone != phone or user.phone_verified or taken.exists():
            return
        model.objects.filter(pk=user.pk).update(phone_verified=True)
        user.phone_verified = True

    def get_user_by_phone(self, phone: str) -> Any:
        """The active account that checked this number (E.164), or None. An unchecked number
        signs in to nothing: anyone can type any number into their notification choices."""
        return (
            get_user_model()
            .objects.filter(phone=phone, phone_verified=True, is_active=True)
            .first()
        )

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        """Texts the code now, not through the outbox: it is useless a few minutes later."""
        minutes = settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60
        body = _(
            "Your coproduce code is %(code)s. It works for %(minutes)d minutes. "
            "Do not share it with anyone."
        ) % {"code": code, "minutes": minutes}
        send_text(to=phone, body=body)

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        """Sends nothing. The page says the same whether or not the number has an account, so
        it reveals nothing; a text to a stranger's phone would cost money and could be used to
        pester them."""

    def get_login_stages(self) -> list[str]:
        stages: list[str] = super().get_login_stages()
        email_stage = "allauth.account.stages.EmailVerificationStage"
        return [
            "coproduce.adapter.EmailVerificationUnlessPhoneOnly" if path == email_stage else path
            for path in stages
        ]


class EmailVerificationUnlessPhoneOnly(EmailVerificationStage):  # type: ignore[misc]
    """allauth's "check your email first" step, skipped for an account that has no email
    address and signs in with a checked mobile number: there is no address to check."""

    def handle(self) -> tuple[Any, bool]:
        user = self.login.user
        if user is not None and not user.email and user.phone_verified:
            return None, True
        result: tuple[Any, bool] = super().handle()
        return result
