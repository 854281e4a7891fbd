"""Consent per purpose, per person: a history of what each person agreed to, and when.

Each row is one decision (given or withdrawn) and is never changed: the current state is the
latest row for that purpose. Consent belongs to the person, not to one project: what we store
about someone (their access needs) and whether their words may be quoted is about them,
wherever they take part, and they should not have to say it again in every project.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    TAKING_PART = "taking_part", _("Taking part")
    ACCESS_NEEDS = "access_needs", _("Storing your access needs")
    QUOTING = "quoting", _("Being quoted")
    SURVEYS = "surveys", _("Evaluation surveys")
    NAME_SHARED = "name_shared", _("Your name in connected systems")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def latest_for(self, purpose: Purpose | str, person: Any) -> QuerySet[Consent]:
        """The latest decision about `purpose` for the person (an OuterRef or a user id)."""
        return self.filter(user=person, purpose=purpose).order_by("-at", "-pk")

    def current(self, user_id: int) -> dict[str, bool]:
        """{purpose: given?} for every purpose the person has decided about (one query)."""
        return dict(self.in_order().filter(user_id=user_id).values_list("purpose", "given"))

    def in_order(self) -> ConsentQuerySet:
        """Oldest first, so that building a dict from the rows leaves the latest decision."""
        return self.order_by("at", "pk")


class Consent(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given = models.BooleanField(_("given"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    # Withdrawing "storing access needs" deletes them; this says it happened, never what they were.
    erased_access_needs = models.BooleanField(_("access needs deleted"), default=False)

    objects: ClassVar[ConsentQuerySet] = ConsentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("consent decision")
        verbose_name_plural = _("consent decisions")
        indexes = [models.Index(fields=["user", "purpose", "at"])]

    def __str__(self) -> str:
        word = _("given") if self.given else _("withdrawn")
        return f"{self.user}: {self.get_purpose_display()} {word}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A consent decision is history: record a new one instead.")
        super().save(*args, **kwargs)


def has_consent(user_id: int, purpose: Purpose) -> bool:
    """Whether the person's latest decision about `purpose` is "given" (never asked: False)."""
    latest = Consent.objects.latest_for(purpose, user_id).values_list("given", flat=True).first()
    return bool(latest)


def not_refused(rows: QuerySet[Any], purpose: Purpose, person: str) -> QuerySet[Any]:
    """`rows` without those whose `person` (a field naming the user, "pk" for users) said no
    to `purpose` in their latest decision. Someone never asked is kept (one subquery)."""
    latest = Consent.objects.latest_for(purpose, OuterRef(person)).values("given")[:1]
    kept: QuerySet[Any] = rows.annotate(_consent=Subquery(latest)).exclude(
        Q(_consent=False) & Q(_consent__isnull=False)
    )
    return kept


def quotable(rows: QuerySet[Any], person: str = "author") -> QuerySet[Any]:
    """`rows` without those whose `person` (a field naming the user) withdrew "being quoted".

    Report code passes every query of people's words through this: `quotable(contributions)`,
    `quotable(votes, person="voter")`. Someone never asked is quoted, as before consent was
    recorded; someone who said no is not, from the moment they said it.
    """
    return not_refused(rows, Purpose.QUOTING, person)


def surveyable(rows: QuerySet[Any], person: str = "pk") -> QuerySet[Any]:
    """`rows` without those whose `person` said no to evaluation surveys. Someone never asked
    is sent surveys (answering stays their choice); someone who said no is not asked, not
    reminded, and offered no survey, from the moment they said it."""
    return not_refused(rows, Purpose.SURVEYS, person)


def _latest(user_ids: set[int], purpose: Purpose) -> dict[int, bool]:
    """{user id: given?} for those of these people who decided about `purpose` (one query)."""
    return dict(
        Consent.objects.in_order()
        .filter(user_id__in=user_ids, purpose=purpose)
        .values_list("user_id", "given")
    )


def unquotable_ids(user_ids: set[int]) -> set[int]:
    """Of these people, those who withdrew "being quoted" (one query)."""
    return {user_id for user_id, given in _latest(user_ids, Purpose.QUOTING).items() if not given}


def nameable_ids(user_ids: set[int]) -> set[int]:
    """Of these people, those whose latest decision says their name may go to other systems
    through the API (one query). Someone never asked is not named: this one is opt-in."""
    return {user_id for user_id, given in _latest(user_ids, Purpose.NAME_SHARED).items() if given}
