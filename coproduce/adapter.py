"""How allauth decides who may sign up, how a sign-up is saved, and where the links in its
emails lead.

On an invitation-only site (ACCOUNT_ALLOW_SIGNUP=false) allauth's sign-up page is closed;
people join from an invitation on its own join page (participation/views/join.py), which
makes the account itself.

Two sign-ups with one address at the same moment (a double tap on a slow phone) both pass the
form's "is this address taken?" check; the database refuses the second account. That one gets
the answer allauth gives any sign-up with an address that has an account: the "check your
email" page, never a server error.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.signup import prevent_enumeration
from allauth.account.stages import EmailVerificationStage
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .site import public_site, rebased
from .sms import send_text


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCOUNT_ALLOW_SIGNUP)

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
        user.phone_verified = True
        user.save(update_fields=["phone_verified"])  # post_save: invitations there close

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

    # --- Messages in plain words ---------------------------------------------------------
    # allauth's own wording ("The email address and/or password you specified are not
    # correct.") says what went wrong; ours also says what to do next.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "The email address or password is not right. Check them and try again, "
            "or ask for a code by email instead."
        ),
        "email_taken": _("There is already an account with this email address. Sign in instead."),
        "duplicate_email": _("This email address is already on your account."),
        "enter_current_password": _("That is not your current password. Type it again."),
        "incorrect_code": _("That code is not right. Check the email and type the code again."),
        "incorrect_password": _("That password is not right. Try again."),
        "invalid_password_reset": _("This link does not work any more. Ask for a new one."),
        "too_many_login_attempts": _(
            "There have been too many tries. Wait a few minutes, then try again. If it still "
            "does not work, try again tomorrow."
        ),
        "rate_limited": _("There have been too many tries. Wait a minute, then try again."),
        "same_as_current": _("This is the address you already have. Enter a different one."),
        "cannot_remove_primary_email": _(
            "You cannot remove your main email address. Make another address your main one first."
        ),
        "account_inactive": _("This account is switched off."),
    }


class EmailVerificationUnlessPhoneOnly(EmailVerificationStage):  # type: ignore[misc]
    """allauth's "check your email first" step, skipped for an account that has no email
    address and signs in with a checked mobile number: there is no address to check."""

    def handle(self) -> tuple[Any, bool]:
        user = self.login.user
        if user is not None and not user.email and user.phone_verified:
            return None, True
        result: tuple[Any, bool] = super().handle()
        return result


class MfaAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """Two-step sign-in's refusals in plain words that say what to do."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _(
            "That code is not right. Type the code your app shows now, or a recovery code."
        ),
        "add_email_blocked": _(
            "You cannot add an email address while two-step sign-in is on. Turn it off first."
        ),
        "cannot_delete_authenticator": _("You cannot turn off two-step sign-in."),
        "cannot_generate_recovery_codes": _(
            "Set up an authenticator app first. Then you can make recovery codes."
        ),
        "unverified_email": _(
            "Confirm your email address first. Then you can set up two-step sign-in."
        ),
    }
