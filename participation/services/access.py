"""Saving a member's access needs, only ever with their consent to store them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.models import User

from ..models import AccessNeeds, Purpose, has_consent
from . import consent

FIELDS = frozenset(
    f.name for f in AccessNeeds._meta.get_fields() if f.name not in ("id", "user", "updated_at")
)


class AccessNeedsError(Exception):
    """Access needs that cannot be saved; str(error) says why in plain English."""


@transaction.atomic
def save_access_needs(*, user: User, consent_given: bool = False, **needs: Any) -> AccessNeeds:
    """Store (or replace) the person's access needs: `needs` are AccessNeeds fields.

    Raises AccessNeedsError, storing nothing, unless the person has consented to storing them,
    now (`consent_given`) or before. Saving the same needs again changes only the date.
    """
    unknown = set(needs) - FIELDS
    if unknown:
        raise TypeError(f"Not access needs fields: {sorted(unknown)}")
    consent.lock_person(user)
    if consent_given:
        consent.decide(user=user, choices={Purpose.ACCESS_NEEDS: True})
    elif not has_consent(user.pk, Purpose.ACCESS_NEEDS):
        raise AccessNeedsError(
            _("Tick the box to let us keep your access needs. Without it we store nothing.")
        )
    row, _created = AccessNeeds.objects.update_or_create(
        user=user, defaults={**needs, "updated_at": timezone.now()}
    )
    return row
