"""The API's authorisation matrix: every endpoint under /api/v1/, found by walking the URL
resolver, requested by each kind of reader, compared with TABLE below and with the site page
that shows the same thing (SITE_PAGE). An API call never sees more than its page.

Outcomes: 200 the answer; 401 no usable token (with `WWW-Authenticate: Bearer` and a sentence
saying what is wrong); 403 a member without the right; 404 anyone who is not a current member,
whether or not the project exists (STYLE.md habit 7). An endpoint added without a row fails
`test_every_api_endpoint_has_a_row_in_the_table`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.api.tokens import make_token, revoke_token
from coproduce.models import ApiToken
from projects.models import Membership, Role
from projects.services import memberships
from tests import crawl
from tests.api_helpers import arguments, endpoints, path_of
from tests.browser import catalogue
from tests.factories import UserFactory
from tests.gate_helpers import closed_gate, open_gate

OK, UNAUTHORISED, REFUSED, NOT_FOUND = 200, 401, 403, 404

# The kinds of reader, in the order the table's columns give them. The four kinds of bad token
# are the expert's: a member's key that no longer works reads nothing.
KINDS = (
    "anonymous",
    "outsider",
    "expert",  # an expert by experience, not a co-lead
    "practitioner",  # a practitioner, not a co-lead
    "co_lead",  # the practitioner who leads the project
    "co_lead_expert",  # the expert by experience who co-leads it
    "commissioner",
    "former",  # a practitioner who has left the project
    "staff",  # site staff, not a member
    "revoked",
    "expired",
    "malformed",
    "unknown",
)
PERSONA = {
    "outsider": "outsider",
    "expert": "expert2",
    "practitioner": "practitioner2",
    "co_lead": "practitioner",
    "co_lead_expert": "expert",
    "commissioner": "commissioner",
    "former": "leaver",
    "staff": "staff",
}
BAD_TOKENS = ("revoked", "expired", "malformed", "unknown")
# What each 401 says: a person setting up a report learns what to do about their key.
WHY_NOT = {
    "anonymous": "Send a token in the Authorization header",
    "revoked": "This token was revoked.",
    "expired": "This token has expired.",
    "malformed": "The token is not in the right form",
    "unknown": "This token is not recognised.",
}


def row(
    outsider: int,
    expert: int,
    practitioner: int,
    co_lead: int,
    commissioner: int,
    former: int,
    staff: int,
    *,
    anonymous: int = UNAUTHORISED,
    bad_token: int = UNAUTHORISED,
) -> tuple[int, ...]:
    """One endpoint's outcomes in the order of KINDS (both co-leads get `co_lead`)."""
    return (
        anonymous,
        outsider,
        expert,
        practitioner,
        co_lead,
        co_lead,
        commissioner,
        former,
        staff,
        *(bad_token,) * len(BAD_TOKENS),
    )


# Open to anyone, though a token sent is checked: a key that no longer works is told so.
PUBLIC = row(*(OK,) * 7, anonymous=OK)
# A web page, read by people: it looks at no token.
PAGE = row(*(OK,) * 7, anonymous=OK, bad_token=OK)
SIGNED_IN = row(*(OK,) * 7)
MEMBERS = row(NOT_FOUND, OK, OK, OK, OK, NOT_FOUND, NOT_FOUND)
CO_LEADS_AND_COMMISSIONERS = row(NOT_FOUND, REFUSED, REFUSED, OK, OK, NOT_FOUND, NOT_FOUND)

TABLE: dict[str, tuple[int, ...]] = {
    "api:root": PUBLIC,
    "api:schema": PUBLIC,
    "api:docs": PAGE,
    "api:projects": SIGNED_IN,
    "api:project": MEMBERS,
    "api:members": MEMBERS,
    "api:decisions": MEMBERS,
    "api:decision": MEMBERS,
    "api:activities": MEMBERS,
    "api:events": MEMBERS,
    "api:indicators": MEMBERS,
    "api:flags": CO_LEADS_AND_COMMISSIONERS,
}

# The site page that shows what each endpoint gives: the same person gets the same answer.
SITE_PAGE = {
    "api:projects": "dashboard",
    "api:project": "projects:detail",
    "api:members": "projects:members",
    "api:decisions": "projects:gates",
    "api:decision": "projects:gate",
    "api:activities": "activities:list",
    "api:events": "projects:history",
    "api:indicators": "reports:report",
    "api:flags": "reports:flags_csv",
}
# A page's answer, as the API would give it: sent to sign in is the API's 401.
AS_API = {"200": OK, "403": REFUSED, "404": NOT_FOUND, crawl.SIGN_IN: UNAUTHORISED}


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """One project with every kind of reader and an open decision, and a key per person; made
    once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        people: dict[str, Any] = {
            name: UserFactory(email=f"{name}@example.org", display_name=display_name)
            for name, display_name in (
                ("expert", "Erin"),
                ("expert2", "Eli"),
                ("practitioner", "Pat"),
                ("practitioner2", "Petra"),
                ("commissioner", "Cam"),
                ("outsider", "Olu"),
                ("leaver", "Lou"),
            )
        }
        people["staff"] = UserFactory(
            email="staff@example.org", display_name="Stevie", is_staff=True
        )
        # Staff must use two-factor sign-in before any page of the site.
        Authenticator.objects.create(
            user=people["staff"], type=Authenticator.Type.TOTP, data={"secret": "x"}
        )
        project = catalogue.team("Housing First in Lambeth", people)
        memberships.add_member(
            project=project,
            user=people["leaver"],
            role=Role.PRACTITIONER,
            actor=people["practitioner"],
        )
        memberships.leave_project(
            membership=Membership.objects.get(project=project, user=people["leaver"])
        )
        gate = open_gate(project, people["practitioner"], people["expert"])
        keys = {
            kind: make_token(user=people[name], name=kind, days=30)[1]
            for kind, name in PERSONA.items()
        }
        revoked, keys["revoked"] = make_token(user=people["expert2"], name="revoked", days=30)
        revoke_token(user=people["expert2"], token_id=revoked.pk)
        expired, keys["expired"] = make_token(user=people["expert2"], name="expired", days=30)
        ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
        yield {"people": people, "project": project, "gate": gate, "keys": keys}
        transaction.set_rollback(True)


def headers_of(seeded: dict[str, Any], kind: str) -> dict[str, str]:
    if kind == "anonymous":
        return {}
    if kind == "malformed":
        return {"Authorization": "Bearer my-token"}
    if kind == "unknown":
        return {"Authorization": "Bearer cpd_" + "x" * 43}
    return {"Authorization": f"Bearer {seeded['keys'][kind]}"}


def site_client(seeded: dict[str, Any], kind: str) -> Client:
    client = Client()
    if kind in PERSONA:
        client.force_login(seeded["people"][PERSONA[kind]])
    return client


def test_every_api_endpoint_has_a_row_in_the_table() -> None:
    names = {pattern.name for pattern in endpoints()}
    assert names - set(TABLE) == set(), "API endpoints with no row in TABLE"
    assert set(TABLE) - names == set(), "TABLE rows for endpoints that no longer exist"
    assert set(SITE_PAGE) <= names
    assert all(len(outcomes) == len(KINDS) for outcomes in TABLE.values())


@pytest.mark.parametrize("kind", KINDS)
def test_each_reader_gets_what_the_table_says_and_what_the_site_page_gives(
    seeded: dict[str, Any], db: None, kind: str
) -> None:
    """A token never reads more than its owner's pages: each endpoint's status is the table's,
    and the same as the equivalent site page's for the same person (a bad token is nobody
    signed in). A member signed in to the site reads the same through the session."""
    filled = arguments(seeded["project"], seeded["gate"])
    headers = headers_of(seeded, kind)
    api, site = Client(), site_client(seeded, kind)
    wrong = []
    for pattern in endpoints():
        path = path_of(pattern.name, filled)
        expected = TABLE[pattern.name][KINDS.index(kind)]
        response = api.get(path, headers=headers)
        if response.status_code != expected:
            wrong.append(
                f"{pattern.name} {path}: {response.status_code}, the table says {expected}"
            )
            continue
        if pattern.name in SITE_PAGE:
            page = site.get(reverse(SITE_PAGE[pattern.name], kwargs=filled.get(pattern.name)))
            if AS_API.get(crawl.outcome(page)) != expected:
                wrong.append(f"{pattern.name}: {expected}, its page {crawl.outcome(page)}")
        if expected == UNAUTHORISED:
            assert response["WWW-Authenticate"].startswith("Bearer"), pattern.name
            # The schema answers in its own format (YAML unless asked for JSON).
            assert WHY_NOT[kind] in response.content.decode(), pattern.name
        elif expected in (REFUSED, NOT_FOUND):
            assert response.json()["detail"].endswith("."), pattern.name
        if kind in PERSONA and pattern.name != "api:docs":
            # The same person signed in to the site: the same answer, word for word.
            session = site.get(path)
            assert (session.status_code, session.content) == (expected, response.content), (
                pattern.name
            )
    assert not wrong, f"as {kind}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("kind", ["outsider", "staff", "former", "expert"])
def test_a_project_that_does_not_exist_gets_the_same_answer_as_one_you_are_not_in(
    seeded: dict[str, Any], db: None, kind: str
) -> None:
    """Would fail if a project's existence showed through a different status or wording."""
    client = Client()
    headers = headers_of(seeded, kind)
    answer = {
        "status": NOT_FOUND,
        "detail": "There is nothing here, or you cannot see it.",
    }
    for pattern in endpoints():
        if "slug" not in pattern.keywords:
            continue
        path = path_of(pattern.name, arguments("no-such-project", seeded["gate"]))
        response = client.get(path, headers=headers)
        assert {"status": response.status_code, **response.json()} == answer, pattern.name
        if kind != "expert":
            real = client.get(
                path_of(pattern.name, arguments(seeded["project"], seeded["gate"])), headers=headers
            )
            assert real.content == response.content, pattern.name


def test_a_decision_of_another_project_is_not_found_through_this_one(
    seeded: dict[str, Any], db: None, project_factory: Any
) -> None:
    elsewhere = closed_gate(project_factory(), passed=True)
    client = Client()
    path = reverse("api:decision", kwargs={"slug": seeded["project"].slug, "pk": elsewhere.pk})
    response = client.get(path, headers=headers_of(seeded, "co_lead"))
    assert response.status_code == NOT_FOUND


def test_a_token_stops_working_the_moment_it_is_revoked(seeded: dict[str, Any], db: None) -> None:
    person = seeded["people"]["expert2"]
    token, key = make_token(user=person, name="Quarterly report", days=90)
    client = Client()
    path = reverse("api:project", kwargs={"slug": seeded["project"].slug})
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get(path, headers=headers).status_code == OK
    # Revoked on the account page, in another browser.
    owner = Client()
    owner.force_login(person)
    assert owner.post(reverse("api_token_revoke", args=[token.pk])).status_code == 302
    response = client.get(path, headers=headers)
    assert response.status_code == UNAUTHORISED
    assert (
        response.json()["detail"]
        == "This token was revoked. Make a new one at http://127.0.0.1:8000/my/api-tokens/."
    )


def test_a_token_stops_working_when_it_expires(seeded: dict[str, Any], db: None) -> None:
    person = seeded["people"]["expert2"]
    path = reverse("api:members", kwargs={"slug": seeded["project"].slug})
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token, key = make_token(user=person, name="Monthly figures", days=30)
        headers = {"Authorization": f"Bearer {key}"}
        clock.move_to(token.expires_at - timedelta(seconds=1))
        assert client.get(path, headers=headers).status_code == OK
        clock.move_to(token.expires_at)
        response = client.get(path, headers=headers)
    assert response.status_code == UNAUTHORISED
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert (
        response.json()["detail"]
        == "This token has expired. Make a new one at http://127.0.0.1:8000/my/api-tokens/."
    )


def test_a_switched_off_account_reads_nothing_with_its_token(
    seeded: dict[str, Any], db: None
) -> None:
    person = seeded["people"]["practitioner2"]
    headers = headers_of(seeded, "practitioner")
    person.is_active = False
    person.save(update_fields=["is_active"])
    response = Client().get(reverse("api:projects"), headers=headers)
    assert response.status_code == UNAUTHORISED
    assert response.json()["detail"] == "This account is switched off."


def test_the_projects_list_holds_only_the_readers_current_projects(
    seeded: dict[str, Any], db: None
) -> None:
    client = Client()
    slugs = {
        kind: [
            p["slug"]
            for p in client.get(reverse("api:projects"), headers=headers_of(seeded, kind)).json()[
                "results"
            ]
        ]
        for kind in PERSONA
    }
    mine = [seeded["project"].slug]
    assert slugs == {
        "outsider": [],
        "expert": mine,
        "practitioner": mine,
        "co_lead": mine,
        "co_lead_expert": mine,
        "commissioner": mine,
        "former": [],
        "staff": [],
    }
