"""Shared steps for the API's tests: a token's header, the API's endpoints as the URL resolver
lists them, the arguments that fill them, and walking a list through every page."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from coproduce.api.tokens import make_token
from projects.models import Gate, Project
from tests import crawl

API = "api:"


def bearer(user: Any, name: str = "Council performance report") -> dict[str, str]:
    """The header that sends a new key of `user`'s (each call makes another key)."""
    _token, key = make_token(user=user, name=name, days=30)
    return {"Authorization": f"Bearer {key}"}


def endpoints() -> list[crawl.Pattern]:
    """Every named URL pattern under /api/v1/, found by walking the root URLconf."""
    return [pattern for pattern in crawl.url_patterns() if pattern.name.startswith(API)]


def arguments(project: Project | str, gate: Gate) -> dict[str, dict[str, Any]]:
    """The keyword arguments of each endpoint that takes any: one project (or a slug that may
    name none) and one of its decisions."""
    slug = project if isinstance(project, str) else project.slug
    filled: dict[str, dict[str, Any]] = {
        pattern.name: {"slug": slug} for pattern in endpoints() if "slug" in pattern.keywords
    }
    filled["api:decision"] = {"slug": slug, "pk": gate.pk}
    return filled


def path_of(name: str, filled: dict[str, dict[str, Any]]) -> str:
    return reverse(name, kwargs=filled.get(name) or None)


def walk(client: Client, path: str, headers: dict[str, str], **params: Any) -> list[Any]:
    """Every answer to `path`, following each page's `next` link to the last page; the answer
    itself when the endpoint is not paged."""
    answers = []
    response = client.get(path, params, headers=headers)
    while True:
        assert response.status_code == 200, (path, response.status_code, response.content)
        body = response.json()
        answers.append(body)
        if not isinstance(body, dict) or not body.get("next"):
            return answers
        response = client.get(body["next"], headers=headers)


def rows(client: Client, path: str, headers: dict[str, str], **params: Any) -> list[Any]:
    """The rows of a paged list, every page's."""
    return [row for page in walk(client, path, headers, **params) for row in page["results"]]


# What an event log entry holds, in order: no wording and no nonce (they may name people).
EVENT_FIELDS = [
    "seq",
    "at",
    "kind",
    "stage",
    "actor",
    "kind_text",
    "summary_digest",
    "data",
    "prev_hash",
    "hash",
]
