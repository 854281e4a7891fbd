"""The API's own endpoints: its index and its OpenAPI schema."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..site import absolute_url


class ApiRoot(APIView):
    """Where to start: the list of projects, the schema and the documentation."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses=inline_serializer(
            "ApiIndex",
            {
                "projects": serializers.URLField(),
                "schema": serializers.URLField(),
                "docs": serializers.URLField(),
            },
        )
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(
            {
                "projects": absolute_url(reverse("api:projects")),
                "schema": absolute_url(reverse("api:schema")),
                "docs": absolute_url(reverse("api:docs")),
            }
        )


class Schema(SpectacularAPIView):
    """The OpenAPI 3 schema, as YAML (`?format=json` for JSON). Open to all: it describes the
    API, never what is in it."""

    permission_classes = [permissions.AllowAny]
