"""The API's documentation page, drawn from the schema: every endpoint, what it answers."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _section(html: str, anchor: str) -> str:
    start = html.index(f'<h3 id="{anchor}">')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def test_every_endpoint_is_described_with_its_fields(client: Client) -> None:
    html = client.get("/api/v1/docs/").content.decode()
    for path in ("/api/v1/projects/", "/api/v1/projects/{slug}/decisions/{id}/"):
        assert f"GET {path}" in html
    # One decision is not a page of results: its own fields are listed (it had been taken
    # for a list, because it has a `results` field, and showed only the vote figures).
    decision = _section(html, "projects_decisions_retrieve")
    assert "The answer" in decision and "Each item of results" not in decision
    for field in ("proposal", "turnout", "objections", "sign_off", "results"):
        assert f"<code>{field}</code>" in decision
    assert "Each item of results" in _section(html, "projects_decisions_list")


def test_choices_are_words_not_markdown(client: Client) -> None:
    html = client.get("/api/v1/docs/").content.decode()
    assert not re.search(r"\* `", html), "a choice is listed as Markdown"
    assert "one of ." not in html and "one of ," not in html
