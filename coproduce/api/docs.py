"""The API's documentation page, drawn from its OpenAPI schema on the server.

A plain page of headings, lists and tables, so it reads without JavaScript, on a phone and
through a screen reader, like every other page (a script-driven viewer such as Swagger UI
would need inline scripts the site's content security policy refuses, and fails those).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from ..site import absolute_url

METHODS = ("get", "post", "put", "patch", "delete")
MAX_DEPTH = 4  # nesting shown on the page; the schema itself has every level


@dataclass(frozen=True)
class Field:
    """One field of an answer: its name, what kind of value it is, and its own fields."""

    name: str
    kind: str
    description: str = ""
    fields: list[Field] = field(default_factory=list)


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str  # "path" or "query"
    kind: str
    required: bool
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    parameters: list[Parameter]
    fields: list[Field]
    paged: bool


@cache
def schema() -> dict[str, Any]:
    """The API's OpenAPI 3 schema as a dict (worked out once per process: it only changes
    with the code)."""
    return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-any-return]


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = spec["components"]["schemas"][name]
    if "allOf" in node and len(node["allOf"]) == 1:
        node = {**node, **_resolve(spec, node["allOf"][0])}
    return node


def _kind(spec: dict[str, Any], node: dict[str, Any]) -> str:
    node = _resolve(spec, node)
    if "enum" in node:
        values = [f"“{value}”" for value in node["enum"] if value not in ("", None)]
        kind = f"one of {', '.join(values)}" if values else "empty"
    elif "oneOf" in node:
        kind = " or ".join(_kind(spec, option) for option in node["oneOf"])
    elif node.get("type") == "array":
        kind = f"list of {_kind(spec, node.get('items', {}))}"
    else:
        kind = node.get("format") or node.get("type") or "object"
    if node.get("nullable"):
        kind += ", or null"
    return kind


def _fields(spec: dict[str, Any], node: dict[str, Any], depth: int = 0) -> list[Field]:
    node = _resolve(spec, node)
    if node.get("type") == "array":
        return _fields(spec, node.get("items", {}), depth)
    if "oneOf" in node:
        return _fields(spec, node["oneOf"][0], depth)
    if depth >= MAX_DEPTH:
        return []
    return [
        Field(
            name=name,
            kind=_kind(spec, prop),
            description=_resolve(spec, prop).get("description", "") or prop.get("description", ""),
            fields=_fields(spec, prop, depth + 1),
        )
        for name, prop in node.get("properties", {}).items()
    ]


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation in the schema, in the order of its paths."""
    found = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            answer = operation.get("responses", {}).get("200", {})
            body = answer.get("content", {}).get("application/json", {}).get("schema", {})
            resolved = _resolve(spec, body)
            properties = resolved.get("properties", {})
            paged = "results" in properties and "next" in properties
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    anchor=operation.get("operationId", path),
                    summary=operation.get("description", ""),
                    parameters=[
                        Parameter(
                            name=param["name"],
                            where=param["in"],
                            kind=_kind(spec, param.get("schema", {})),
                            required=param.get("required", False),
                            description=param.get("description", ""),
                        )
                        for param in operation.get("parameters", [])
                    ],
                    fields=_fields(spec, resolved["properties"]["results"] if paged else body),
                    paged=paged,
                )
            )
    return found


def api_docs(request: HttpRequest) -> HttpResponse:
    """What each endpoint answers, how to ask, and an example, for anyone (signed in or not)."""
    spec = schema()
    return render(
        request,
        "api/docs.html",
        {
            "operations": operations(spec),
            "base": absolute_url(reverse("api:root")),
            "schema_url": reverse("api:schema"),
            "tokens_url": reverse("api_tokens"),
        },
    )
