"""Benchmark accounts for `seed_load`: many verified people sharing one published password.

The password is hashed once: hashing it for each of ten thousand accounts would take longer
than the rest of the load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from .loading import LOAD_PASSWORD, PERSONAS, Plan
from .models import User

FIRST_NAMES = [
    "Alex", "Ali", "Bea", "Cal", "Chris", "Dee", "Eli", "Fran", "Gus", "Hana", "Jo", "Kai",
    "Lee", "Mo", "Nat", "Olu", "Pat", "Priya", "Rae", "Sam", "Tam", "Uma", "Vic", "Wyn",
]  # fmt: skip

PERSONA_NAMES = {
    "practitioner": "Pat (load practitioner)",
    "expert": "Sam (load expert by experience)",
    "commissioner": "Chris (load commissioner)",
    "colead": "Dee (load co-lead)",
}


@dataclass(frozen=True)
class People:
    """The accounts made, in the order they were made; the personas by key."""

    everyone: list[User]
    personas: dict[str, User]

    @property
    def regular(self) -> list[User]:
        """Everyone but the personas, whose projects are chosen on purpose."""
        return self.everyone[len(self.personas) :]


def already_loaded() -> bool:
    """Whether a load ran on this database before (its accounts are there)."""
    return User.objects.filter(email__in=["load-1@example.org", *PERSONAS.values()]).exists()


def load(plan: Plan, **_made: Any) -> People:
    password = make_password(LOAD_PASSWORD)
    joined = plan.now.replace(year=plan.now.year - 3)
    accounts = [
        User(email=email, display_name=PERSONA_NAMES[key], password=password, date_joined=joined)
        for key, email in PERSONAS.items()
    ]
    for n in range(1, max(plan.users - len(PERSONAS), 0) + 1):
        name = f"{plan.rng.choice(FIRST_NAMES)} {n}"
        accounts.append(
            User(
                email=f"load-{n}@example.org",
                display_name=name,
                password=password,
                date_joined=plan.between(joined, plan.now),
            )
        )
    plan.save(User, accounts, "accounts")
    plan.save(
        EmailAddress,
        (
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in accounts
        ),
        "email addresses",
    )
    personas = dict(zip(PERSONAS, accounts, strict=False))
    return People(everyone=accounts, personas=personas)
