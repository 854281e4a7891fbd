"""Personal API tokens (issue 15): made on the account page and shown once, stored as a digest
only, with an expiry; revoked by their owner at once; refused with a sentence that says why."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduce.api import tokens
from coproduce.models import ApiToken
from tests.error_pattern import assert_error_page

pytestmark = pytest.mark.django_db

PAGE = "/my/api-tokens/"


def _make(client: Client, name: str = "Council report", days: str = "90") -> Any:
    return client.post(PAGE, {"name": name, "days": days})


def _shown_key(html: str) -> str:
    found = re.search(r'<code id="new-token-key" class="secret-value">(cpd_[^<]+)</code>', html)
    assert found, "the new token is not on the page"
    return found.group(1)


def test_a_new_token_is_shown_once_and_stored_only_as_its_digest(client, expert) -> None:
    client.force_login(expert)
    response = _make(client)
    assert response.status_code == 302
    page = client.get(PAGE).content.decode()
    key = _shown_key(page)
    assert key.startswith("cpd_") and len(key) == 47
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(list(ApiToken.objects.values_list()))
    assert token.prefix == key[:12] and token.prefix in page
    # The next visit shows the list, never the key again.
    again = client.get(PAGE).content.decode()
    assert key not in again
    assert "Council report" in again


@pytest.mark.parametrize(("days", "lifetime"), [("30", 30), ("90", 90), ("365", 365)])
def test_the_owner_chooses_how_long_it_works(client, expert, days, lifetime) -> None:
    client.force_login(expert)
    _make(client, days=days)
    token = ApiToken.objects.get()
    assert token.expires_at - token.created_at == timedelta(days=lifetime)


def test_a_token_works_until_its_expiry_then_says_it_has_expired(client, expert, project) -> None:
    token, key = tokens.make_token(user=expert, name="Report", days=30)
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/v1/projects/").status_code == 200
    with time_machine.travel(token.expires_at - timedelta(seconds=1)):
        assert api.get("/api/v1/projects/").status_code == 200
    with time_machine.travel(token.expires_at):
        refused = api.get("/api/v1/projects/")
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoking_stops_it_at_once_and_only_the_owner_can(client, expert, expert2) -> None:
    token, key = tokens.make_token(user=expert, name="Report", days=30)
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/v1/projects/").status_code == 200
    revoke = reverse("api_token_revoke", args=[token.pk])
    client.force_login(expert2)
    assert client.post(revoke).status_code == 404
    assert api.get("/api/v1/projects/").status_code == 200
    client.force_login(expert)
    response = client.post(revoke, follow=True)
    assert "is revoked" in response.content.decode()
    refused = api.get("/api/v1/projects/")
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    # Pressed again: nothing changes, and the time it stopped stays the first.
    first = ApiToken.objects.get().revoked_at
    client.post(revoke)
    assert ApiToken.objects.get().revoked_at == first


def test_a_name_is_needed_and_the_error_says_so_keeping_the_choice(client, expert) -> None:
    client.force_login(expert)
    response = _make(client, name="", days="365")
    assert_error_page(response, field_id="id_name")
    assert "Enter what this token is for" in response.content.decode()
    assert re.search(r'value="365"[^>]*checked', response.content.decode())
    assert not ApiToken.objects.exists()


def test_a_lifetime_not_offered_is_refused(client, expert) -> None:
    client.force_login(expert)
    response = _make(client, days="100000")
    assert_error_page(response, field_id="id_days_0", kept="Council report")
    assert not ApiToken.objects.exists()


def test_the_same_name_twice_makes_one_token_and_says_why(client, expert) -> None:
    client.force_login(expert)
    _make(client)
    later = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(later):
        response = _make(client, name="council REPORT")
    html = assert_error_page(response)
    assert "already have a working token called “Council report”" in html
    assert ApiToken.objects.count() == 1
    # A revoked token's name is free again.
    tokens.revoke_token(user=expert, token_id=ApiToken.objects.get().pk)
    assert _make(client).status_code == 302
    assert ApiToken.objects.count() == 2


def test_no_more_than_ten_work_at_once(client, expert) -> None:
    for number in range(tokens.MAX_USABLE):
        tokens.make_token(user=expert, name=f"System {number}", days=30)
    client.force_login(expert)
    html = assert_error_page(_make(client))
    assert "the most you can have" in html
    assert ApiToken.objects.count() == tokens.MAX_USABLE


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("Bearer cpd_not-a-real-key", "not recognised"),
        ("Bearer nonsense", "not in the right form"),
        ("Bearer cpd_a b", "not in the right form"),
    ],
)
def test_a_bad_token_is_refused_saying_what_is_wrong(client, header, words) -> None:
    response = client.get("/api/v1/projects/", headers={"Authorization": header})
    assert response.status_code == 401
    assert words in response.json()["detail"]


def test_no_token_at_all_says_how_to_send_one(client) -> None:
    response = client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert "Authorization header" in response.json()["detail"]


def test_a_switched_off_account_cannot_use_its_tokens(expert) -> None:
    _token, key = tokens.make_token(user=expert, name="Report", days=30)
    expert.is_active = False
    expert.save(update_fields=["is_active"])
    response = Client().get("/api/v1/projects/", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_last_used_is_written_at_most_once_a_minute(expert) -> None:
    token, key = tokens.make_token(user=expert, name="Report", days=30)
    api = Client(headers={"Authorization": f"Bearer {key}"})
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api.get("/api/v1/projects/")
        with CaptureQueriesContext(connection) as queries:
            api.get("/api/v1/projects/")
        assert not [q for q in queries if q["sql"].startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        api.get("/api/v1/projects/")
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(minutes=2)


@pytest.mark.parametrize("count", [1, 10])
def test_the_tokens_page_costs_the_same_queries_with_one_or_ten(
    client, expert, count, django_assert_max_num_queries
) -> None:
    for number in range(count):
        tokens.make_token(user=expert, name=f"System {number}", days=30)
    client.force_login(expert)
    with django_assert_max_num_queries(6):
        assert client.get(PAGE).status_code == 200


def test_a_second_tap_shows_the_key_the_first_made(client, expert) -> None:
    """Sent twice before the first answer came back, the second answer said "You already
    have a working token called …" and the key the first had made was never shown."""
    client.force_login(expert)
    _make(client)  # the first tap: its answer never reaches the screen
    second = _make(client)
    assert second.status_code == 302
    key = _shown_key(client.get(second["Location"]).content.decode())
    assert ApiToken.objects.get().digest == hashlib.sha256(key.encode()).hexdigest()


def test_the_new_key_is_at_the_top_and_takes_focus(client, expert) -> None:
    """It was two screens down on a phone, with focus left on the page."""
    client.force_login(expert)
    _make(client)
    html = client.get(PAGE).content.decode()
    box = html.index('id="new-token"')
    assert html.index("<h1") < box < html.index("Most people never need this page")
    assert "autofocus" in html[box : box + 120]


def test_a_key_never_shown_is_not_shown_much_later(client, expert) -> None:
    client.force_login(expert)
    _make(client)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        html = client.get(PAGE).content.decode()
    assert 'id="new-token-key"' not in html


def test_deleting_an_account_deletes_its_tokens(client, expert) -> None:
    tokens.make_token(user=expert, name="Report", days=30)
    from participation.services.erasure import erase_account

    erase_account(user=expert)
    assert not ApiToken.objects.exists()


def test_a_name_that_would_turn_the_text_around_is_refused(client, expert) -> None:
    client.force_login(expert)
    response = _make(client, name="Report \u202egnp.exe")
    assert_error_page(response, field_id="id_name")
    assert not ApiToken.objects.exists()
