"""Giving and withdrawing consent, and what withdrawing stops.

Withdrawing "storing access needs" deletes the person's access needs at once, in the same
transaction; the consent history says that they were deleted, never what they were. Sending the
same choices twice (a double tap) records nothing new.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from coproduce.models import User

from ..models import AccessNeeds, Consent, Purpose

log = logging.getLogger(__name__)


def lock_person(user: User) -> None:
    """Make a second change to this person's consent or access needs, sent at the same time (a
    double tap), wait for the first, so that neither writes twice. Call inside a transaction."""
    User.objects.select_for_update().filter(pk=user.pk).first()


@transaction.atomic
def decide(*, user: User, choices: Mapping[Purpose, bool] | Mapping[str, bool]) -> list[Consent]:
    """Record the person's choices ({purpose: given?}); only those that change anything (a
    first answer, yes or no, or a change of mind) are written, each as a new dated row.
    Returns the rows written (empty when nothing changed). Withdrawing
    `Purpose.ACCESS_NEEDS` deletes their access needs."""
    lock_person(user)
    current = Consent.objects.current(user.pk)
    now = timezone.now()
    written = []
    for purpose, given in choices.items():
        purpose = Purpose(purpose)
        # A first "no" is recorded too: where someone never asked counts as agreeing (being
        # quoted, being sent surveys), a "no" that left no row would change nothing.
        if current.get(purpose) == given:
            continue
        erased = False
        if purpose == Purpose.ACCESS_NEEDS and not given:
            erased = AccessNeeds.objects.filter(user=user).delete()[0] > 0
            if erased:
                log.info("Access needs of user %s deleted: consent withdrawn.", user.pk)
        written.append(
            Consent.objects.create(
                user=user, purpose=purpose, given=given, at=now, erased_access_needs=erased
            )
        )
    return written
