"""Walk every URL pattern of the site and request it as one kind of user (the authorisation
crawl, tests/test_authorisation_crawl.py).

Each request runs in a savepoint that is rolled back, and the browser's cookies are put back
after it, so an empty POST that withdraws, leaves or signs out changes nothing for the next
request: every page is seen against the same data.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.evaluation_helpers import pdf_text

# The kinds of user, in the order the table's columns give them.
KINDS = (
    "anonymous",
    "outsider",
    "expert",
    "practitioner",
    "co_lead",
    "commissioner",
    "staff",
)
# Which persona of tests/conftest.py each kind signs in as: the expert and the practitioner are
# ordinary members of every catalogue project, the practitioner who leads them is the co-lead.
PERSONA = {
    "outsider": "outsider",
    "expert": "expert2",
    "practitioner": "practitioner2",
    "co_lead": "practitioner",
    "commissioner": "commissioner",
    "staff": "staff",
}

SIGN_IN_PATH = "/accounts/login/"
# Outcomes other than a status code.
SIGN_IN = "sign in"
REDIRECT = "redirect"


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    keywords: frozenset[str]


@dataclass(frozen=True)
class Visit:
    name: str
    path: str
    method: str
    outcome: str
    text: str


def url_patterns() -> list[Pattern]:
    """Every named URL pattern of the site, found by walking the root URLconf."""
    return sorted(_walk(get_resolver(), "", "", frozenset()), key=lambda p: p.name)


def _walk(
    resolver: URLResolver, route: str, namespace: str, keywords: frozenset[str]
) -> Iterator[Pattern]:
    for entry in resolver.url_patterns:
        here = route + str(entry.pattern)
        found = keywords | frozenset(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, here, inner, found)
        elif isinstance(entry, URLPattern):
            if not entry.name and namespace == "admin":
                # The admin's unnamed `<object_id>/` only redirects to the named change page.
                continue
            assert entry.name, f"the URL pattern {here!r} has no name, so no table entry can"
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Pattern(name=name, route=here, keywords=found)


def outcome(response: HttpResponseBase) -> str:
    """What a person is given: a status code, or a redirect (to sign in, or elsewhere)."""
    if response.status_code in (301, 302, 303, 307, 308):
        return SIGN_IN if response["Location"].startswith(SIGN_IN_PATH) else REDIRECT
    return str(response.status_code)


def signed_in(people: dict[str, Any], kind: str) -> Client:
    client = Client(raise_request_exception=False)
    if kind != "anonymous":
        client.force_login(people[PERSONA[kind]])
    return client


def crawl(
    client: Client,
    patterns: list[Pattern],
    arguments: dict[str, dict[str, Any]],
    post_only: frozenset[str],
) -> list[Visit]:
    """Request every pattern with GET, and those in `post_only` with an empty POST too."""
    visits = []
    for pattern in patterns:
        path = reverse(pattern.name, kwargs=arguments.get(pattern.name) or None)
        visits.append(_request(client, pattern.name, path, "GET"))
        if pattern.name in post_only:
            visits.append(_request(client, pattern.name, path, "POST"))
    return visits


def _request(client: Client, name: str, path: str, method: str) -> Visit:
    cookies = copy.deepcopy(client.cookies)
    cache.clear()  # rate limits count per address in the cache
    with transaction.atomic():
        response = client.get(path) if method == "GET" else client.post(path)
        text = readable(response)
        transaction.set_rollback(True)
    client.cookies = cookies
    return Visit(name=name, path=path, method=method, outcome=outcome(response), text=text)


def readable(response: HttpResponseBase) -> str:
    """The response's text: a page, a CSV, a calendar, JSON, the files in a ZIP, or the words
    in a PDF."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        body = response.content  # type: ignore[attr-defined]
    if body.startswith(b"%PDF"):
        return pdf_text(body)
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(
                archive.read(name).decode(errors="replace") for name in archive.namelist()
            )
    return body.decode("utf-8", errors="replace")
