"""Hostile input to every form and POST endpoint of the site (issue 14).

Each endpoint in ENDPOINTS is attacked by the person who may use it, in a project state where
its form is live: its fields are read from the page that holds the form, and hypothesis sends
the valid values with some fields missing, repeated, or replaced by very long strings, markup,
SQL, bad Unicode, control characters or values of the wrong type, plus fields the form does
not have (tests/hostile.py). Every post is judged the same way (`judge`):

- never a server error;
- a refusal (an error page, a 4xx) changes no row of any table and sends nothing;
- a page that comes back without an error has done something (no silent failure);
- a post that is certainly invalid (a required field missing, text where a number, a date or a
  choice goes) changes nothing and says what to fix;
- no post makes anyone staff.

Each example runs inside a savepoint that is rolled back, so every post meets the same state.
The same valid post sent twice records and sends nothing the second time. A POST view with
no entry here fails `test_every_post_endpoint_is_attacked`.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse
from hypothesis import HealthCheck, given, settings

from coproduce.models import User
from projects.models import Project
from tests import hostile
from tests.error_pattern import assert_error_page
from tests.hostile_endpoints import ANSWERS_WITH_A_PAGE, ENDPOINTS, NO_FIELDS, Endpoint
from tests.hostile_scenes import World

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

# Per endpoint; the profile (tests/conftest.py) is larger under CI.
EXAMPLES = max(4, settings().max_examples // 10)
HOSTILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


PEOPLE = [
    "practitioner",
    "practitioner2",
    "expert",
    "expert2",
    "commissioner",
    "outsider",
    "superuser",
]


@pytest.fixture
def world(request: pytest.FixtureRequest, project: Project) -> World:
    people = {name: request.getfixturevalue(name) for name in PEOPLE}
    # A secret an authenticator app could hold (the shared fixture's is a placeholder).
    Authenticator.objects.filter(user=people["superuser"]).update(
        data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    return World(people, project, Client())


# --- Setting up and judging one endpoint --------------------------------------------------------

_PATTERNS = dict(hostile._named(get_resolver().url_patterns))


def _url(name: str, kwargs: dict[str, Any]) -> str:
    keys = _PATTERNS[name].pattern.regex.groupindex
    return reverse(name, kwargs={key: value for key, value in kwargs.items() if key in keys})


@dataclass
class Ready:
    """An endpoint made ready: where to post, the fields of its form and a valid post."""

    url: str
    fields: dict[str, hostile.Field]
    valid: dict[str, list[str]]


def ready(endpoint: Endpoint, w: World) -> Ready:
    if endpoint.who is not None:
        w.client.force_login(w.people[endpoint.who])
    kwargs = endpoint.scene(w)
    url = _url(endpoint.name, kwargs)
    if endpoint.fields is not None:
        fields = {name: hostile.Field(name, kind) for name, kind in endpoint.fields.items()}
    else:
        page = _url(endpoint.page, kwargs) if endpoint.page else url
        response = w.client.get(page)
        assert response.status_code == 200, f"{endpoint}: {page} answered {response.status_code}"
        fields = hostile.forms_on(response.content.decode(), page=page, action=url)
        assert fields or endpoint.name in NO_FIELDS, f"{endpoint}: no form sends to {url}"
    valid = {**hostile.defaults(fields), **{k: [v] for k, v in endpoint.valid.items()}}
    return Ready(url, fields, valid)


def send(endpoint: Endpoint, w: World, url: str, post: hostile.Post) -> Response:
    body, content_type = post.body()
    headers = endpoint.header(body) if endpoint.header else {}
    return w.client.post(url, data=body, content_type=content_type, headers=headers)


def staff_ids() -> set[int]:
    return set(User.objects.filter(is_staff=True).values_list("pk", flat=True))


def judge(
    endpoint: Endpoint, post: hostile.Post, response: Response, done: list[str], sent: int
) -> None:
    """The rules every answer to a post keeps (see the module's docstring)."""
    what = f"{endpoint} with {post.why}"
    status = response.status_code
    assert status < 500, f"{what}: server error {status}"
    title = ""
    if status == 200 and b"<title>" in response.content:
        title = response.content.decode().split("<title>")[1].split("</title>")[0]
    refused = title.startswith("Error:") or 400 <= status < 500
    if refused or post.certainly_invalid:
        assert not done, f"{what}: answered {status} {title!r} but changed {done}"
        assert not sent, f"{what}: answered {status} {title!r} but sent {sent} emails"
    if title.startswith("Error:") or (post.certainly_invalid and status == 200):
        assert_error_page(response)
    if status == 200 and not refused and not done:
        assert endpoint.name in ANSWERS_WITH_A_PAGE, f"{what}: page {title!r}, nothing saved"
    if status == 302 and not done and not sent and endpoint.name not in GOES_ON_QUIETLY:
        assert list(get_messages(response.wsgi_request)), f"{what}: nothing saved, nothing said"


# Answers to a post that change nothing and need say nothing: entering the password again is
# kept in the session only, and goes on to the page asked for; allauth's email page sent
# without any of its buttons (a browser always sends the one pressed) shows the page again.
GOES_ON_QUIETLY = {"account_reauthenticate", "account_email"}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_hostile_posts_are_refused_without_a_trace_and_a_valid_one_sent_twice_counts_once(
    endpoint: Endpoint, world: World, settings: Any
) -> None:
    settings.SMS_WEBHOOK_SECRET = "hostile-test-secret"
    stage = ready(endpoint, world)
    staff = staff_ids()

    @HOSTILE
    @given(post=hostile.hostile_post(stage.fields, stage.valid, endpoint.unused))
    def attack(post: hostile.Post) -> None:
        emails = len(mail.outbox)
        # The browser's cookies go back with the database: a post that signs out or changes
        # the password gives it a session the rollback removes.
        # Messages left by the scene would pass for this post's.
        world.client.cookies.pop("messages", None)
        cookies = copy.deepcopy(world.client.cookies)
        with transaction.atomic():
            cache.clear()
            before = hostile.snapshot()
            response = send(endpoint, world, stage.url, post)
            done = hostile.changes(before, hostile.snapshot())
            judge(endpoint, post, response, done, len(mail.outbox) - emails)
            assert staff_ids() == staff, f"{endpoint} with {post.why} changed who is staff"
            transaction.set_rollback(True)
        del mail.outbox[emails:]
        world.client.cookies = cookies

    attack()
    if endpoint.twice:
        sent_twice(endpoint, world, stage)


def sent_twice(endpoint: Endpoint, world: World, stage: Ready) -> None:
    """The valid post is accepted, and sent again records and sends nothing more."""
    post = hostile.Post([(k, v) for k, values in stage.valid.items() for v in values], False, "")
    first = send(endpoint, world, stage.url, post)
    assert first.status_code < 500
    if b"<title>Error:" in first.content:
        html = first.content.decode()
        refused = re.sub(r"<[^>]+>|\s+", " ", html[html.index("error-summary") :][:1500])
        pytest.fail(f"{endpoint}: the valid post {stage.valid} was refused: {refused}")
    after_first, emails = hostile.snapshot(), len(mail.outbox)
    second = send(endpoint, world, stage.url, post)
    assert second.status_code < 500
    now = hostile.counts(hostile.snapshot())
    grown = {
        label: (count, now[label])
        for label, count in hostile.counts(after_first).items()
        if count != now[label]
    }
    assert not grown, f"{endpoint}: the second post changed row counts {grown}"
    assert len(mail.outbox) == emails, f"{endpoint}: the second post sent email again"


def test_every_post_endpoint_is_attacked() -> None:
    missing = hostile.post_views() - {endpoint.name for endpoint in ENDPOINTS}
    assert not missing, f"POST endpoints with no hostile-input test: {sorted(missing)}"
