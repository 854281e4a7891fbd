"""/up/: the liveness check a load balancer polls, and make bench's ceiling."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_up_answers_ok_without_touching_the_database(
    client: Client, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/up/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_up_sets_no_session_cookie(client: Client) -> None:
    assert "sessionid" not in client.get("/up/").cookies


@pytest.mark.django_db
def test_pages_are_sent_compressed_to_a_browser_that_accepts_it(client: Client) -> None:
    plain = client.get("/")
    squeezed = client.get("/", headers={"accept-encoding": "gzip"})
    assert squeezed["Content-Encoding"] == "gzip"
    assert len(squeezed.content) < len(plain.content) / 2
    assert "Content-Encoding" not in plain
