"""Query budgets: every API endpoint reads a project of 5 and a project of 50 (members,
decisions with objections, responses and sign-offs, activities with attendance, log entries,
and as many projects for its reader) in the same number of queries, within BUDGET. A count
that grows with the data is a query per row (N+1); the failure message lists every query."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participation.models import Activity, Attendance, Presence, Purpose
from participation.services.consent import decide
from projects import services
from projects.models import (
    Choice,
    Gate,
    GateStatus,
    ObjectionResponse,
    Project,
    ResponseOutcome,
    Role,
    SignOff,
    Vote,
)
from projects.services import closing, gates
from tests.api_helpers import bearer
from tests.factories import UserFactory
from tests.gate_helpers import closed_gate, made_open_gate, objection_after_close, open_gate

SIZES = (5, 50)  # 50 rows fill the first page, so each list reads every row it is given

# The most queries each endpoint may make. Each request with a token spends two on the key
# (finding it; noting when it was last used, which writes at most once a minute) and each
# project endpoint two on the door (the membership with its project; the role's permissions).
BUDGET = {
    "api:projects": 3,
    "api:project": 8,  # + the stage changes, the decisions for the timeline
    "api:members": 6,  # + the members, who shares their name
    "api:decisions": 9,  # + decisions, objections, names, quoting, the open one's turnout
    "api:decision": 7,
    "api:activities": 5,
    "api:events": 5,
    "api:indicators": 17,  # one or two per indicator
    "api:flags": 10,
}


def someone(display_name: str) -> Any:
    return UserFactory(display_name=display_name)


def world(size: int) -> dict[str, Any]:
    """A project of `size` members, decisions, activities and entries, read by an expert by
    experience who co-leads it (so the flags are theirs to read) and is in `size` projects."""
    lead = someone("Lee")
    reader = someone("Rae")
    commissioner = someone("Cam")
    project = services.create_project(
        creator=lead,
        title=f"A project of {size}",
        summary="Together.",
        creator_role=Role.PRACTITIONER,
    )
    services.add_member(
        project=project, user=reader, role=Role.EXPERT_BY_EXPERIENCE, actor=lead, is_co_lead=True
    )
    services.add_member(project=project, user=commissioner, role=Role.COMMISSIONER, actor=lead)
    people = []
    for n in range(size):
        person = someone(f"Member {n}")
        role = Role.EXPERT_BY_EXPERIENCE if n % 2 else Role.PRACTITIONER
        services.add_member(project=project, user=person, role=role, actor=lead)
        # Some share their name, some asked not to be quoted: both are looked up.
        decide(user=person, choices={Purpose.NAME_SHARED: n % 3 == 0, Purpose.QUOTING: n % 4 != 0})
        people.append(person)
    decide(user=commissioner, choices={Purpose.NAME_SHARED: True})

    # One decision closed by a real vote gives the figures every other one shows.
    first = open_gate(project, lead, reader)
    objection_after_close(first, [reader, lead, *people[:2]], people[2])
    assert first.closes_at is not None
    closing.close_gate(gate_id=first.pk, now=first.closes_at + timedelta(hours=1))
    figures = Gate.objects.get(pk=first.pk, status=GateStatus.CLOSED).results
    for n in range(size):
        gate = closed_gate(project, passed=True, signoff_required=True)
        Gate.objects.filter(pk=gate.pk).update(results=figures)
        objector, approver = people[n], people[(n + 1) % size]
        objection = Vote.objects.create(
            gate=gate, voter=objector, choice=Choice.OBJECT, reason=f"Reason {n}"
        )
        Vote.objects.create(gate=gate, voter=approver, choice=Choice.APPROVE)
        ObjectionResponse.objects.create(
            objection=objection, outcome=ResponseOutcome.DONE, body="Done.", responder=lead
        )
        SignOff.objects.create(gate=gate, commissioner=commissioner, assured=True, reasons="Yes.")
    voting = made_open_gate(project, rule=project.rule_settings())
    gates.cast_vote(gate=voting, voter=people[0], choice=Choice.APPROVE)

    for n in range(size):
        activity = Activity.objects.create(
            project=project,
            kind="meeting",
            stage=project.stage,
            title=f"Meeting {n}",
            starts_at=timezone.now(),
            duration_minutes=60,
            place="Library",
        )
        for person in (people[n], reader):
            Attendance.objects.create(activity=activity, user=person, presence=Presence.ATTENDED)
    for n in range(size - 1):
        services.create_project(
            creator=reader,
            title=f"Another {size}-{n}",
            summary="More.",
            creator_role=Role.EXPERT_BY_EXPERIENCE,
        )
    return {
        "size": size,
        "project": project,
        "reader": reader,
        "gate": voting,
        "headers": bearer(reader),
    }


@pytest.fixture(scope="module")
def worlds(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[int, dict[str, Any]]]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield {size: world(size) for size in SIZES}
        transaction.set_rollback(True)


def path(name: str, seen: dict[str, Any]) -> str:
    if name == "api:projects":
        return reverse(name)
    if name == "api:decision":
        return reverse(name, kwargs={"slug": seen["project"].slug, "pk": seen["gate"].pk})
    return reverse(name, kwargs={"slug": seen["project"].slug})


def queries_of(name: str, seen: dict[str, Any]) -> list[str]:
    client = Client()
    # Every row on one page, an open decision's turnout included.
    asked = {"page_size": 200}
    client.get(path(name, seen), asked, headers=seen["headers"])  # the key's "last used" set
    with CaptureQueriesContext(connection) as done:
        response = client.get(path(name, seen), asked, headers=seen["headers"])
    assert response.status_code == 200, response.content
    body = response.json()
    if "next" in body:
        assert len(body["results"]) >= seen["size"], "the list is shorter than the data"
    return [query["sql"] for query in done.captured_queries]


@pytest.mark.parametrize("name", BUDGET)
def test_each_endpoint_reads_a_big_project_in_as_few_queries_as_a_small_one(
    worlds: dict[int, dict[str, Any]], db: None, name: str
) -> None:
    small, big = (queries_of(name, worlds[size]) for size in SIZES)
    listing = "\n".join(f"{n}. {sql}" for n, sql in enumerate(big, start=1))
    assert len(big) == len(small), f"{name}: {len(small)} then {len(big)} queries:\n{listing}"
    assert len(big) <= BUDGET[name], f"{name}: {len(big)} queries:\n{listing}"


def test_the_worlds_are_the_sizes_they_say(worlds: dict[int, dict[str, Any]], db: None) -> None:
    """The budgets above mean something only if the big world is big."""
    for size, seen in worlds.items():
        project: Project = seen["project"]
        assert project.memberships.count() == size + 3
        assert Gate.objects.filter(project=project).count() == size + 2
        assert Activity.objects.filter(project=project).count() == size
        assert seen["reader"].memberships.count() == size
