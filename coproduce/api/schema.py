"""How the API's OpenAPI schema describes its refusals.

Every operation lists the refusals it can give besides its answer, each a `{"detail": "..."}`
sentence (`coproduce.api.errors`): 401 when a token sent does not work, or none was sent where
one is needed (with `WWW-Authenticate`); 404 for a project the reader is not a current member
of, or a page cursor the API never gave; 429 over the rate limit (with `Retry-After`). A view
documents a refusal of its own with `extend_schema(responses=...)` and `refusal(...)`, as the
flags do their 403.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers


class RefusalSerializer(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField(help_text="What is wrong, in a sentence.")


def refusal(description: str) -> OpenApiResponse:
    """A refusal for `extend_schema(responses=...)`."""
    return OpenApiResponse(RefusalSerializer, description=description)


UNUSABLE_KEY = "The token sent does not work (mistyped, revoked or expired)."
KEY_NEEDED = "No token sent, or the one sent does not work (mistyped, revoked or expired)."
NOT_MEMBER = "no such project, or not one you are a current member of (the same answer)"
BAD_CURSOR = "a page cursor the API did not give"
TOO_MANY = "Too many requests: wait the seconds `Retry-After` gives, then try again."

HEADERS = {
    "401": {
        "WWW-Authenticate": {
            "schema": {"type": "string"},
            "description": "How to send a token: `Bearer`.",
            "required": True,
        }
    },
    "429": {
        "Retry-After": {
            "schema": {"type": "integer"},
            "description": "Seconds to wait before trying again.",
            "required": True,
        }
    },
}


class ApiSchema(AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        body = {
            "application/json": {
                "schema": self.resolve_serializer(RefusalSerializer, "response").ref
            }
        }
        responses = operation["responses"]
        for code, description in self._refusals(operation).items():
            if code not in responses:
                responses[code] = {"content": body, "description": description}
                if code in HEADERS:
                    responses[code]["headers"] = HEADERS[code]
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _refusals(self, operation: dict[str, Any]) -> dict[str, str]:
        # Imported here: the projects app's API imports this package.
        from projects.api.base import ProjectScoped

        found = {}
        open_to_all = all(
            isinstance(check, permissions.AllowAny) for check in self.view.get_permissions()
        )
        # A token sent is checked even where none is needed.
        found["401"] = UNUSABLE_KEY if open_to_all else KEY_NEEDED
        not_found = []
        if isinstance(self.view, ProjectScoped):
            not_found.append(NOT_MEMBER)
        if any(parameter["name"] == "cursor" for parameter in operation.get("parameters", [])):
            not_found.append(BAD_CURSOR)
        if not_found:
            words = "; or ".join(not_found)
            found["404"] = words[0].upper() + words[1:] + "."
        found["429"] = TOO_MANY
        return found
