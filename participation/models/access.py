"""A member's access needs: what helps them take part. Sensitive personal data.

One set per person (not per project): they need the same things wherever they take part. Seen
only by the person and the co-leads of projects they are a member of, and stored only while
they consent to it (`Purpose.ACCESS_NEEDS`); withdrawing that consent deletes the row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce import limits

ACCESS_NOTE = 300  # a sentence or two: how to reach a support person, when breaks suit
ACCESS_ANYTHING_ELSE = 2_000


class ContactWay(models.TextChoices):
    EMAIL = "email", _("Email")
    TEXT = "text", _("Text message")
    PHONE_CALL = "phone_call", _("Phone call")
    POST = "post", _("Letter by post")
    SUPPORT_PERSON = "support_person", _("Through my support person")


class StorySharing(models.TextChoices):
    NO = "no", _("No, I do not want to share my own story")
    ASK = "ask", _("Maybe: ask me each time")
    YES = "yes", _("Yes, I am happy to share my own story")


FORMATS = {
    "easy_read": _("Easy read"),
    "large_print": _("Large print"),
    "bsl": _("British Sign Language (BSL) interpreter"),
}


class AccessNeedsQuerySet(models.QuerySet["AccessNeeds"]):
    def in_project(self, project_id: int) -> AccessNeedsQuerySet:
        """Needs of the project's current members, with their account, by name."""
        return (
            self.filter(user__memberships__project_id=project_id)
            .filter(user__memberships__left_at__isnull=True)
            .select_related("user")
            .order_by("user__display_name", "user__email")
        )


class AccessNeeds(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="access_needs",
    )
    easy_read = models.BooleanField(FORMATS["easy_read"], default=False)
    large_print = models.BooleanField(FORMATS["large_print"], default=False)
    bsl = models.BooleanField(FORMATS["bsl"], default=False)
    interpreter_language = models.CharField(
        _("Another language, with an interpreter: which language?"),
        max_length=80,
        blank=True,
        validators=[limits.single_line],
        help_text=_("Leave empty if you do not need an interpreter."),
    )
    contact_by = models.CharField(
        _("Best way to contact you"), max_length=20, choices=ContactWay.choices, blank=True
    )
    support_person_name = models.CharField(
        _("Support person's name"),
        max_length=limits.PERSON_NAME,
        blank=True,
        validators=[limits.single_line],
        help_text=_("Someone who helps you take part. Leave empty if you have nobody."),
    )
    support_person_contact = models.CharField(
        _("How to reach your support person"),
        max_length=ACCESS_NOTE,
        blank=True,
        validators=[limits.single_line],
        help_text=_("For example a phone number or an email address."),
    )
    timing = models.CharField(
        _("Times and breaks that suit you"),
        max_length=ACCESS_NOTE,
        blank=True,
        validators=[limits.single_line],
        help_text=_("For example: mornings only, or a break every hour."),
    )
    briefing = models.BooleanField(
        _("I would like a short briefing before meetings"), default=False
    )
    share_story = models.CharField(
        _("Do you ever want to share your own story?"),
        max_length=10,
        choices=StorySharing.choices,
        default=StorySharing.ASK,
    )
    anything_else = models.TextField(
        _("Anything else that would help"),
        blank=True,
        validators=[limits.MaxChars(ACCESS_ANYTHING_ELSE)],
    )
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    objects = AccessNeedsQuerySet.as_manager()

    class Meta:
        verbose_name = _("access needs")
        verbose_name_plural = _("access needs")

    def __str__(self) -> str:
        return _("Access needs of %(name)s") % {"name": self.user}

    def formats(self) -> list[str]:
        """The formats and interpreters asked for, in words, for lists and summaries."""
        chosen = [str(label) for name, label in FORMATS.items() if getattr(self, name)]
        if self.interpreter_language:
            chosen.append(
                str(_("An interpreter for %(language)s") % {"language": self.interpreter_language})
            )
        return chosen
