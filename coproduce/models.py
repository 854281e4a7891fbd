"""The person behind every account: email is the login."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import limits
from .contact import InvalidContact, optional_phone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
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

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self) -> None:
        """Store one form of each address, however it was typed (the admin comes here).

        Sign-in looks emails up in lower case, and texts go to numbers in E.164 form, so an
        "Alex@Example.org" or a "07700 900123" saved as typed would be an account nobody can
        reach.
        """
        super().clean()
        self.email = self.email.strip().lower()
        try:
            self.phone = optional_phone(self.phone)
        except InvalidContact as error:
            raise ValidationError({"phone": str(error)}) from None

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)
