"""`/api/v1/projects/<slug>/indicators/` and `.../flags/`: the evaluation report's figures
and warning signs, to the same readers as the report (flags: co-leads and commissioners)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from coproduce.api.schema import refusal
from projects.api.base import ProjectScoped
from projects.models import Stage
from projects.permissions import VIEW_EVALUATION

from .. import flags
from ..indicators import Cell, Indicator, Unit
from ..indicators import for_projects as indicators_for_projects


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}], "nullable": True})
class CellField(serializers.Field):  # type: ignore[type-arg]
    """A table cell: a number, a word, or null for a figure not shown (`blank` says why)."""

    def to_representation(self, value: Cell) -> str | int | float | None:
        return float(value) if isinstance(value, Decimal) else value


class HeadlineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    value = serializers.FloatField(allow_null=True)
    text = serializers.CharField()


class IndicatorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField(help_text="What the figures show, in a sentence or two.")
    unit = serializers.ChoiceField(
        choices=[unit.value for unit in Unit], allow_null=True, help_text="Of the charted columns."
    )
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=CellField()))
    blank = serializers.CharField(help_text="What an empty (null) cell means.")
    headline = HeadlineSerializer(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())


class IndicatorsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    indicators = IndicatorSerializer(many=True)


def _indicator(indicator: Indicator) -> dict[str, Any]:
    return {
        "key": indicator.key,
        "title": indicator.title,
        "summary": indicator.summary,
        "unit": indicator.chart.unit.value if indicator.chart else None,
        "columns": list(indicator.table.columns),
        "rows": [list(row) for row in indicator.table.rows],
        "blank": indicator.table.blank,
        "headline": None
        if indicator.headline is None
        else {"value": indicator.headline.value, "text": indicator.headline.text},
        "notes": list(indicator.notes),
    }


class Indicators(ProjectScoped):
    """Every indicator of the evaluation report, in the report's order (a fixed set, so not
    paged)."""

    perm = VIEW_EVALUATION
    serializer_class = IndicatorsSerializer

    @extend_schema(responses=IndicatorsSerializer)
    def get(self, request: Request, slug: str) -> Response:
        project = self.access.project
        found = indicators_for_projects([project])[project.pk]
        return Response(IndicatorsSerializer({"indicators": map(_indicator, found)}).data)


class FlagSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    title = serializers.CharField()
    explanation = serializers.CharField()
    stage = serializers.ChoiceField(
        choices=[("", ""), *Stage.choices], help_text="Empty when about the whole project."
    )


class FlagsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    flags = FlagSerializer(many=True)


# Said to other members, and in the schema.
ONLY_LEADS = gettext_noop("Only the project's co-leads and commissioners see the warning signs.")


class Flags(ProjectScoped):
    """The warning signs of tokenism raised in the project now (few, so not paged). Only the
    project's co-leads and commissioners see them, as on the site."""

    perm = VIEW_EVALUATION
    serializer_class = FlagsSerializer

    @extend_schema(responses={200: FlagsSerializer, 403: refusal(ONLY_LEADS)})
    def get(self, request: Request, slug: str) -> Response:
        if not flags.visible_to(self.access):
            raise exceptions.PermissionDenied(_(ONLY_LEADS))
        project = self.access.project
        raised = flags.for_projects([project])[project.pk]
        return Response(FlagsSerializer({"flags": raised}).data)
