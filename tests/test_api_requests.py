"""How a client asks the API: pages in a stable order however rows are added meanwhile, a
page size with a ceiling, a rate limit per person, and the members list by group; each
mistake answered with a sentence saying what is wrong."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from participation.models import Activity
from projects import services
from projects.models import Project, Role
from tests.api_helpers import bearer, rows
from tests.gate_helpers import closed_gate

pytestmark = pytest.mark.django_db

numbers = count()


def more_projects(project: Project, reader: Any, join: Callable[..., Any]) -> None:
    services.create_project(
        creator=reader,
        title=f"Project {next(numbers)}",
        summary="Another service designed together.",
        creator_role=Role.EXPERT_BY_EXPERIENCE,
    )


def more_members(project: Project, reader: Any, join: Callable[..., Any]) -> None:
    join(project, Role.EXPERT_BY_EXPERIENCE)


def more_decisions(project: Project, reader: Any, join: Callable[..., Any]) -> None:
    closed_gate(project, passed=True)


def more_activities(project: Project, reader: Any, join: Callable[..., Any]) -> None:
    Activity.objects.create(
        project=project,
        kind="meeting",
        stage=project.stage,
        title=f"Meeting {next(numbers)}",
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=60,
        place="Library",
    )


def more_events(project: Project, reader: Any, join: Callable[..., Any]) -> None:
    join(project, Role.PRACTITIONER)  # joining writes an entry


LISTS = {
    "api:projects": (more_projects, "id"),
    "api:members": (more_members, "id"),
    "api:decisions": (more_decisions, "id"),
    "api:activities": (more_activities, "id"),
    "api:events": (more_events, "seq"),
}


def list_path(name: str, project: Project) -> str:
    return reverse(name) if name == "api:projects" else reverse(name, kwargs={"slug": project.slug})


@pytest.mark.parametrize("name", LISTS)
def test_paging_through_while_rows_are_added_neither_repeats_nor_skips_a_row(
    client: Client, project: Project, expert2, join, name: str
) -> None:
    """Would fail with page numbers (an added row pushes the next page's first row back onto
    it) or with an order that ties."""
    add, key = LISTS[name]
    for _ in range(5):
        add(project, expert2, join)
    headers = bearer(expert2)
    path = list_path(name, project)
    there_at_first = [row[key] for row in rows(client, path, headers)]

    seen = []
    response = client.get(path, {"page_size": 2}, headers=headers)
    while True:
        page = response.json()
        assert len(page["results"]) <= 2
        seen += [row[key] for row in page["results"]]
        if not page["next"]:
            break
        add(project, expert2, join)
        response = client.get(page["next"], headers=headers)

    assert len(seen) == len(set(seen)), "a row came twice"
    assert seen == sorted(seen), "out of order"
    assert set(there_at_first) <= set(seen), "a row was skipped"
    # Each row added while paging came after the reader's place, so it was read too.
    assert seen == [row[key] for row in rows(client, path, headers)]


def test_a_page_holds_at_most_two_hundred_rows_whatever_is_asked(
    client: Client, project: Project, expert2
) -> None:
    Activity.objects.bulk_create(
        Activity(
            project=project,
            kind="meeting",
            stage=project.stage,
            title=f"Meeting {n}",
            starts_at=timezone.now() + timedelta(days=1),
            duration_minutes=60,
            place="Library",
        )
        for n in range(205)
    )
    path = list_path("api:activities", project)
    headers = bearer(expert2)
    asked = client.get(path, {"page_size": 1000}, headers=headers).json()
    assert len(asked["results"]) == 200 and asked["next"]
    assert len(client.get(path, headers=headers).json()["results"]) == 50  # unasked


def cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "given",
    [
        "not-a-cursor",
        cursor("o=-1"),
        cursor("p=not-a-number"),  # a position in the list's order that no row could have
        cursor("r=sideways"),
    ],
)
@pytest.mark.parametrize("name", LISTS)
def test_a_cursor_the_api_never_gave_is_not_found_with_a_sentence_saying_so(
    client: Client, project: Project, expert2, name: str, given: str
) -> None:
    response = client.get(list_path(name, project), {"cursor": given}, headers=bearer(expert2))
    assert response.status_code == 404
    assert response.json() == {
        "detail": "This page link is not one the API gave. Start again from the first page."
    }


@pytest.fixture
def small_rates(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three requests a minute per person, two per address for anyone without a token.
    REST framework reads its settings again when they change, but each throttle class kept
    the rates it was given when first imported."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "anon": "2/minute"},
    }
    for throttle in (UserRateThrottle, AnonRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES)


def test_past_the_rate_limit_a_person_is_told_how_long_to_wait(
    client: Client, small_rates: None, project: Project, expert2, practitioner2
) -> None:
    path = reverse("api:project", kwargs={"slug": project.slug})
    headers = bearer(expert2)
    assert [client.get(path, headers=headers).status_code for _ in range(3)] == [200] * 3
    refused = client.get(path, headers=headers)
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 60
    assert refused.json() == {"detail": f"Too many requests. Wait {wait} seconds, then try again."}
    # Counted per person, whichever of their keys they use; someone else reads on.
    assert client.get(path, headers=bearer(expert2, "Another report")).status_code == 429
    assert client.get(path, headers=bearer(practitioner2)).status_code == 200


def test_without_a_token_the_rate_limit_counts_per_address(
    client: Client, small_rates: None
) -> None:
    path = reverse("api:root")
    assert [client.get(path).status_code for _ in range(3)] == [200, 200, 429]
    assert "Too many requests." in client.get(path).json()["detail"]


@pytest.mark.parametrize(
    ("group", "people"),
    [
        ("lived", ["Erin", "Eli"]),
        ("learned", ["Pat", "Petra"]),
        ("non_voting", ["Cam"]),
        (None, ["Pat", "Erin", "Eli", "Petra", "Cam"]),
    ],
)
def test_the_members_list_gives_one_group_when_asked(
    client: Client, project: Project, expert, practitioner, group: str | None, people: list[str]
) -> None:
    path = reverse("api:members", kwargs={"slug": project.slug})
    names = {member.user_id: str(member.user) for member in project.memberships.all()}
    params = {"page_size": 1} | ({"group": group} if group else {})
    found = rows(client, path, bearer(expert), **params)
    # The members page of the site shows each one's name; the API shows ids by group.
    by_id = {m.pk: names[m.user_id] for m in project.memberships.all()}
    assert [by_id[row["id"]] for row in found] == people
    if group:
        assert {row["group"] for row in found} == {group}


def test_a_group_that_does_not_exist_is_refused_with_the_ones_that_do(
    client: Client, project: Project, expert
) -> None:
    path = reverse("api:members", kwargs={"slug": project.slug})
    response = client.get(path, {"group": "experts"}, headers=bearer(expert))
    assert response.status_code == 400
    assert response.json() == {"detail": "Choose one of these groups: lived, learned, non_voting."}


def test_a_token_sent_without_bearer_is_told_how_to_send_it(client) -> None:
    """A key sent as "Token cpd_…" was answered as if no token had been sent."""
    for header in ("Token cpd_abc", "cpd_abc"):
        response = client.get("/api/v1/projects/", headers={"Authorization": header})
        assert response.status_code == 401
        assert "Put “Bearer” before the token" in response.json()["detail"]


def test_a_signed_in_browser_posting_is_told_the_api_only_reads(client, expert) -> None:
    """It was told "CSRF Failed: CSRF token missing."."""
    client = type(client)(enforce_csrf_checks=True)
    client.force_login(expert)
    response = client.post("/api/v1/projects/", {})
    assert response.status_code == 405
    assert response.json()["detail"] == "The API only reads: send GET."
