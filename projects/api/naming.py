"""Who the API may name: a person's name goes out only if they said yes to "your name in
connected systems" (`participation`'s consent, registered in `projects.evidence`); anyone else
appears by their role or group alone. Words people wrote are left out where they asked not to
be quoted, as in reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from coproduce.models import User

from .. import evidence


@dataclass(frozen=True)
class Naming:
    named: frozenset[int] = field(default_factory=frozenset)
    unquoted: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def of(cls, user_ids: Iterable[int | None], *, quoting: bool = False) -> Naming:
        """Consent for these people: one query for names, one more when `quoting`."""
        ids = {user_id for user_id in user_ids if user_id is not None}
        if not ids:
            return cls()
        return cls(
            named=frozenset(evidence.may_name(ids)),
            unquoted=frozenset(evidence.not_to_quote(ids)) if quoting else frozenset(),
        )

    def name(self, user: User | None) -> str | None:
        """The person's name if they agreed to share it, else None."""
        if user is None or user.pk not in self.named:
            return None
        return str(user)

    def words(self, user_id: int | None, text: str) -> str | None:
        """What the person wrote, or None when they asked not to be quoted."""
        return None if user_id in self.unquoted else text
