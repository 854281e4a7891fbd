"""The person behind every account: an email address or a verified mobile number is the login.

Most people sign in with an email address. Someone invited by text message who has no email
address they rely on signs in with their mobile number instead: their account has no email
(NULL, so any number of such accounts fit the unique column) and a verified phone.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import limits
from .contact import InvalidContact, optional_phone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str | None, password: str | None, **fields: Any) -> User:
        if not email and not fields.get("phone"):
            raise ValueError("An email address or a mobile number is required.")
        address = self.normalize_email(email).lower() if email else None
        user = self.model(email=address, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str | None, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    display_name = models.CharField(
        _("name to show others"),
        max_length=limits.PERSON_NAME,
        blank=True,
        validators=[limits.single_line],
        error_messages=limits.CHAR_FIELD_ERRORS,
        help_text=_("A first name or nickname is fine."),
    )
    phone = models.CharField(
        _("mobile phone number"),
        max_length=32,
        blank=True,
        help_text=_("Optional. Used for text message reminders if you choose them."),
    )
    # True once a text to the number was answered (an invitation link or a sign-in code):
    # only a verified number can be used to sign in.
    phone_verified = models.BooleanField(_("mobile number checked"), default=False)
    is_staff = models.BooleanField(_("site staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=models.Q(phone_verified=True),
                name="one_account_per_verified_phone",
            ),
        ]

    def __str__(self) -> str:
        # An account deleted at its owner's request keeps its records but none of its names.
        return self.display_name or self.email or self.phone or gettext("Former member")

    def clean(self) -> None:
        """Store one form of each address, however it was typed (the admin comes here).

        Sign-in looks emails up in lower case, and texts go to numbers in E.164 form, so an
        "Alex@Example.org" or a "07700 900123" saved as typed would be an account nobody can
        reach.
        """
        super().clean()
        self.email = (self.email or "").strip().lower() or None
        try:
            self.phone = optional_phone(self.phone)
        except InvalidContact as error:
            raise ValidationError({"phone": str(error)}) from None

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now: Any = None) -> ApiTokenQuerySet:
        """Tokens that still open the API: not revoked and not yet expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    """A personal key to the read-only API, made and revoked by its owner on their account page.

    Only a SHA-256 digest of the key is stored: the key itself is shown once, when it is made.
    A key carries 256 random bits, so a plain digest is enough to keep it from anyone who reads
    the database (a slow password hash defends guessable secrets, which these are not). The
    first characters stay readable, so the owner can tell their keys apart.
    """

    user = models.ForeignKey(
        "User", on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=limits.API_TOKEN_NAME)
    prefix = models.CharField(_("starts with"), max_length=16)
    digest = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("made"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects: ClassVar[ApiTokenQuerySet] = ApiTokenQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: Any = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
