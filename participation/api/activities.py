"""`/api/v1/projects/<slug>/activities/`: the project's activities as its activities page
lists them, with how many from each group took part. The video call link is left out: a
meeting's key should not travel into other systems."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from rest_framework import generics, serializers

from projects.api.base import ProjectScoped
from projects.models import Role, Stage

from ..models import Activity, ActivityKind, Attendance


class ActivitySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    stage = serializers.ChoiceField(choices=Stage.choices)
    cancelled = serializers.BooleanField(source="is_cancelled")
    took_part_lived = serializers.IntegerField(
        help_text="Experts by experience recorded as taking part (0 until recorded)."
    )
    took_part_learned = serializers.IntegerField(help_text="Practitioners recorded as taking part.")
    took_part_total = serializers.IntegerField(
        help_text="Everyone recorded as taking part, commissioners and former members included."
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "stage",
            "title",
            "starts_at",
            "duration_minutes",
            "preparation_minutes",
            "follow_up_minutes",
            "place",
            "cancelled",
            "cancelled_at",
            "took_part_lived",
            "took_part_learned",
            "took_part_total",
        ]


def _took_part(role: Role | None = None) -> Coalesce:
    """How many took part in each activity (of `role` in the project, when given)."""
    rows = Attendance.objects.took_part().filter(activity=OuterRef("pk"))
    if role is not None:
        rows = rows.filter(
            user__memberships__project=OuterRef("project"), user__memberships__role=role
        )
    count = rows.order_by().values("activity").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


class ActivityList(ProjectScoped, generics.ListAPIView):  # type: ignore[type-arg]
    """The project's activities, cancelled ones included, in the order they were planned."""

    serializer_class = ActivitySerializer

    def get_queryset(self) -> QuerySet[Activity]:
        return Activity.objects.filter(project=self.access.project).annotate(
            took_part_lived=_took_part(Role.EXPERT_BY_EXPERIENCE),
            took_part_learned=_took_part(Role.PRACTITIONER),
            took_part_total=_took_part(),
        )
