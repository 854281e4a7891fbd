"""`/api/v1/projects/<slug>/events/`: the project's event log in chain order, with what an
auditor needs to recompute each entry's hash and the link to the one before (`projects.chain`).
The project's own endpoint says when the chain was last checked.

The wording of an entry is left out: it names people ("Pat opened voting"), and the API names
only those who agreed to it. The hash covers the wording through its digest, so the chain
checks out without it; the wording and its nonce are in the history page's CSV download."""

from __future__ import annotations

from datetime import UTC

from django.db.models import QuerySet
from rest_framework import generics, serializers

from coproduce.api.pagination import StablePages

from .. import chain
from ..models import Event, EventKind, Stage
from .base import ProjectScoped


class EventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=EventKind.choices)
    stage = serializers.ChoiceField(choices=Stage.choices)
    kind_text = serializers.CharField(source="get_kind_display", help_text="The kind, in words.")
    actor = serializers.IntegerField(
        source="actor_id", allow_null=True, help_text="The account number of whoever acted."
    )
    at = serializers.SerializerMethodField(
        help_text="In UTC with microseconds, exactly as the hash covers it."
    )
    # Named as in the CSV download; REST framework takes declared fields off the class, so
    # this does not hide the serializer's own `data`.
    data = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="Ids and figures, as the canonical JSON the hash covers."
    )

    class Meta:
        model = Event
        fields = [
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

    def get_at(self, event: Event) -> str:
        return event.at.astimezone(UTC).isoformat(timespec="microseconds")

    def get_data(self, event: Event) -> str:
        return chain.canonical_data(event.data)


class InChainOrder(StablePages):
    ordering = "seq"


class EventList(ProjectScoped, generics.ListAPIView):  # type: ignore[type-arg]
    """The project's event log, first entry first."""

    serializer_class = EventSerializer
    pagination_class = InChainOrder

    def get_queryset(self) -> QuerySet[Event]:
        return Event.objects.filter(project=self.access.project)
