"""The API's OpenAPI schema is valid, and every answer matches it: schemathesis sends each
operation generated requests (valid and not) with a member's token, then the real requests
of each kind of reader, and checks each answer's status, content type, headers and body
against the schema. A refusal the schema does not list fails, as does a field it does not
describe or an answer in another shape (an HTML 404 for an address no endpoint matches)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import negative_data_rejection

from coproduce.api import docs, errors
from participation.models import Activity, Attendance, Presence, Purpose
from participation.services.consent import decide
from projects.models import Choice, Project, ResponseOutcome, Role, Vote
from projects.services import gates
from tests.api_helpers import bearer
from tests.gate_helpers import objection_after_close, open_gate


def in_the_tests_transaction(app: Any) -> Any:
    """The site's WSGI app, run as Django's test client runs it: a request neither closes nor
    opens a database connection, so it reads the test's data inside the test's transaction
    (on PostgreSQL, closing the connection at the end of a request would lose both)."""

    def run(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return run


# Loaded when the module is collected: schemathesis's lazy loading from a fixture does not
# work with this pytest. Requests go to the app in-process, as from a WSGI server.
schema = schemathesis.openapi.from_dict(docs.schema())
schema.app = in_the_tests_transaction(get_wsgi_application())
# The test client and schemathesis compare bytes: no gzip.
PLAIN = {"Accept-Encoding": "identity"}


def test_the_schema_is_valid_openapi_and_drawn_without_warnings(tmp_path: Any) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))


@pytest.mark.django_db
def test_the_schema_served_is_the_one_checked_here(client: Client) -> None:
    served = client.get(reverse("api:schema"), {"format": "json"}, headers=PLAIN)
    assert served.status_code == 200
    assert json.loads(served.content) == json.loads(json.dumps(docs.schema()))


@pytest.fixture
def decided(
    project: Project, practitioner, expert, expert2, practitioner2, commissioner, join
) -> dict[str, Any]:
    """A project with every kind of answer in it: a decision passed with an objection, its
    response and a sign-off, the next one open with a vote cast, an activity some took part
    in, a name shared and words not to be quoted."""
    expert3 = join(project, Role.EXPERT_BY_EXPERIENCE, display_name="Ezra")
    project.signoff_every_gate = True
    project.save(update_fields=["signoff_every_gate"])
    decide(user=expert2, choices={Purpose.NAME_SHARED: True})
    decide(user=commissioner, choices={Purpose.QUOTING: False, Purpose.NAME_SHARED: True})
    first = open_gate(project, practitioner, expert)
    objection = objection_after_close(
        first, [expert, expert3, practitioner, practitioner2], expert2
    )
    gates.respond_to_objection(
        objection=objection,
        actor=practitioner,
        body="A minibus now runs.",
        outcome=ResponseOutcome.DONE,
    )
    gates.record_signoff(
        gate=first, commissioner=commissioner, assured=True, reasons="Done together."
    )
    project.refresh_from_db()
    second = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=second, voter=expert2, choice=Choice.APPROVE)
    activity = Activity.objects.create(
        project=project,
        kind="workshop",
        stage=project.stage,
        title="Mapping the routes",
        starts_at=timezone.now(),
        duration_minutes=90,
        place="Library",
    )
    for person in (expert, practitioner2):
        Attendance.objects.create(activity=activity, user=person, presence=Presence.ATTENDED)
    assert Vote.objects.filter(gate=first, choice=Choice.OBJECT).count() == 1
    return {"project": project, "gates": {"closed": first, "open": second}}


@pytest.fixture
def lead_key(decided: dict[str, Any], practitioner) -> dict[str, str]:
    return {**PLAIN, **bearer(practitioner)}


@schemathesis.pytest.parametrize(api=schema)
@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.django_db
def test_every_generated_request_is_answered_as_the_schema_says(
    case: Case, lead_key: dict[str, str]
) -> None:
    """Generated path parameters, page sizes, cursors and groups, valid and not: mostly
    projects that do not exist (404) and refusals (400), each of which must be documented
    and shaped as documented. The fixtures are made once for all examples (only read).

    Not checked: that every request breaking the schema is refused. A `page_size` that is not
    a whole number is read as no page size at all (REST framework's paging), which answers
    a page of the usual size rather than a 400."""
    case.call_and_validate(headers=lead_key, excluded_checks=[negative_data_rejection])


READERS = ("co_lead", "expert", "commissioner", "outsider", "anonymous", "revoked")


def headers_for(reader: str, people: dict[str, Any]) -> dict[str, str]:
    if reader == "anonymous":
        return dict(PLAIN)
    if reader == "revoked":
        return {**PLAIN, "Authorization": "Bearer cpd_" + "0" * 43}
    return {**PLAIN, **bearer(people[reader], reader)}


@pytest.mark.django_db
@pytest.mark.parametrize("reader", READERS)
def test_every_real_answer_of_every_operation_matches_the_schema(
    decided: dict[str, Any], practitioner, expert2, commissioner, outsider, reader: str
) -> None:
    people = {
        "co_lead": practitioner,
        "expert": expert2,
        "commissioner": commissioner,
        "outsider": outsider,
    }
    headers = headers_for(reader, people)
    statuses = set()
    for address in docs.schema()["paths"]:
        api = schema[address]["GET"]
        for path_parameters in real_parameters(api.path, decided):
            for query in ({}, {"page_size": 1}):
                case = api.Case(
                    path_parameters=path_parameters, query=query or None, headers=headers
                )
                response = case.call_and_validate()
                statuses.add(response.status_code)
                if response.status_code == 200 and "next" in (body := response.json()):
                    while body["next"]:
                        # Each next page through the same operation, by its cursor.
                        asked = parse_qs(urlsplit(body["next"]).query)
                        case = api.Case(
                            path_parameters=path_parameters,
                            query={key: values[0] for key, values in asked.items()},
                            headers=headers,
                        )
                        response = case.call_and_validate()
                        assert response.status_code == 200
                        body = response.json()
    expected = {
        "co_lead": {200},
        "expert": {200, 403},
        "commissioner": {200},
        "outsider": {200, 404},
        "anonymous": {200, 401},
        "revoked": {401},
    }
    assert statuses == expected[reader]


def real_parameters(path: str, decided: dict[str, Any]) -> list[dict[str, Any]]:
    slug = decided["project"].slug
    if "{id}" in path:
        return [{"slug": slug, "id": gate.pk} for gate in decided["gates"].values()]
    if "{slug}" in path:
        return [{"slug": slug}]
    return [{}]


@pytest.mark.django_db
def test_refusals_of_a_member_match_the_schema(decided: dict[str, Any], expert2) -> None:
    headers = {**PLAIN, **bearer(expert2)}
    slug = decided["project"].slug
    members = schema["/api/v1/projects/{slug}/members/"]["GET"]
    for query, status in (
        ({"group": "everyone"}, 400),
        ({"cursor": "not-a-cursor"}, 404),
        ({"group": "lived", "page_size": 1}, 200),
    ):
        case = members.Case(path_parameters={"slug": slug}, query=query, headers=headers)
        assert case.call_and_validate().status_code == status


@pytest.mark.django_db
def test_an_address_under_the_api_that_no_endpoint_matches_is_answered_in_json(
    client: Client,
) -> None:
    """Django's own 404 was the site's HTML page, which no API client can read."""
    for path in ("/api/v1/projects/not a slug/", "/api/v1/nothing/", "/api/v2/projects/"):
        response = client.get(path, headers=PLAIN)
        assert response.status_code == 404
        assert response.json() == {"detail": "There is nothing here, or you cannot see it."}
    assert "text/html" in client.get("/projects/not a slug/")["Content-Type"]


@override_settings(DEBUG=False)
def test_a_fault_under_the_api_is_answered_in_json_and_the_site_keeps_its_page() -> None:
    api = errors.server_error(RequestFactory().get("/api/v1/projects/"))
    assert api.status_code == 500
    assert json.loads(api.content)["detail"].startswith("Sorry, something went wrong on our side.")
    site = errors.server_error(RequestFactory().get("/projects/"))
    assert site.status_code == 500 and b"<h1>Something went wrong</h1>" in site.content
