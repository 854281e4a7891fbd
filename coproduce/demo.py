"""Demo accounts for trying the platform locally. Every password is DEMO_PASSWORD."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from .models import User

DEMO_PASSWORD = "coproduce-demo"  # noqa: S105 - documented demo password, never used in production

# email, display name, staff
DEMO_PEOPLE: list[tuple[str, str, bool]] = [
    ("expert1@example.org", "Sam (expert by experience)", False),
    ("expert2@example.org", "Jo (expert by experience)", False),
    ("expert3@example.org", "Ali (expert by experience)", False),
    ("practitioner1@example.org", "Priya (practitioner)", False),
    ("practitioner2@example.org", "Tom (practitioner)", False),
    ("practitioner3@example.org", "Dee (practitioner)", False),
    ("commissioner1@example.org", "Chris (commissioner)", False),
    ("outsider@example.org", "Olu (not in any project)", False),
    ("admin@example.org", "Site admin", True),
]


def seed(**_others: object) -> dict[str, User]:
    """Create or refresh the demo accounts, verified, with the demo password."""
    people: dict[str, User] = {}
    for email, name, staff in DEMO_PEOPLE:
        user, _ = User.objects.get_or_create(email=email)
        user.display_name = name
        user.is_staff = user.is_superuser = staff
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        people[email.split("@", 1)[0]] = user
    return people
