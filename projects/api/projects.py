"""`/api/v1/projects/`: the projects a person is a member of, and one project with its
decision rule, its stages with when each began and ended, and the last check of its record."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from coproduce.site import absolute_url

from ..models import DecisionRule, Event, EventKind, Membership, Project, Stage
from ..selectors import projects as selectors
from ..selectors.record import record_status
from .base import ProjectScoped, reader


class ProjectSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    my_role = serializers.CharField(help_text="The reader's role in the project.")
    my_co_lead = serializers.BooleanField(help_text="Whether the reader co-leads it.")
    web_url = serializers.SerializerMethodField(help_text="The project's page on the site.")

    class Meta:
        model = Project
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "stage",
            "created_at",
            "my_role",
            "my_co_lead",
            "web_url",
        ]

    def get_web_url(self, project: Project) -> str:
        return absolute_url(project.get_absolute_url())


def _mine(queryset: QuerySet[Project], user_id: int) -> QuerySet[Project]:
    """The reader's current projects, each with the reader's role (one query)."""
    mine = Membership.objects.active().filter(project=OuterRef("pk"), user_id=user_id)
    return queryset.filter(
        memberships__user_id=user_id, memberships__left_at__isnull=True
    ).annotate(
        my_role=Subquery(mine.values("role")[:1]),
        my_co_lead=Subquery(mine.values("is_co_lead")[:1]),
    )


class ProjectList(generics.ListAPIView):  # type: ignore[type-arg]
    """Every project the reader is a current member of, oldest first."""

    serializer_class = ProjectSerializer

    def get_queryset(self) -> QuerySet[Project]:
        return _mine(Project.objects.all(), reader(self.request).pk)


class RuleSerializer(serializers.Serializer):  # type: ignore[type-arg]
    decision_rule = serializers.ChoiceField(choices=DecisionRule.choices)
    quorum = serializers.FloatField(help_text="Share of each group that must vote, 0 to 1.")
    min_votes_per_bloc = serializers.IntegerField()
    voting_window_hours = serializers.IntegerField()
    signoff_every_gate = serializers.BooleanField(
        help_text="Whether every decision needs a commissioner's sign-off (leaving "
        "commissioning always does)."
    )


class TimelineDecisionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    outcome = serializers.CharField(help_text="draft, open, passed, not_passed, ...")


class StageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    stage = serializers.ChoiceField(choices=Stage.choices)
    is_current = serializers.BooleanField()
    is_past = serializers.BooleanField()
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    decisions = TimelineDecisionSerializer(many=True)


class RecordCheckSerializer(serializers.Serializer):  # type: ignore[type-arg]
    checked_at = serializers.DateTimeField()
    entries = serializers.IntegerField(help_text="How many entries were checked.")
    sound = serializers.BooleanField(help_text="Whether every checked entry checks out.")
    fault = serializers.CharField(help_text="What was wrong, empty when sound.")
    fault_seq = serializers.IntegerField(allow_null=True, help_text="The first entry at fault.")


class ProjectDetailSerializer(ProjectSerializer):
    rule = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    record_check = serializers.SerializerMethodField(
        help_text="The last check of the project's event log (null: not checked yet)."
    )

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "rule", "timeline", "record_check"]

    @extend_schema_field(RuleSerializer)
    def get_rule(self, project: Project) -> dict[str, Any]:
        return RuleSerializer(
            {
                "decision_rule": project.decision_rule,
                "quorum": float(project.quorum),
                "min_votes_per_bloc": project.min_votes_per_bloc,
                "voting_window_hours": project.voting_window_hours,
                "signoff_every_gate": project.signoff_every_gate,
            }
        ).data

    @extend_schema_field(StageSerializer(many=True))
    def get_timeline(self, project: Project) -> list[dict[str, Any]]:
        began = {Stage.DESIGN.value: project.created_at}
        for data, at in Event.objects.filter(
            project=project, kind=EventKind.STAGE_CHANGED
        ).values_list("data", "at"):
            began[data.get("to", "")] = at
        steps = selectors.stage_steps(project)  # the API gives no "answered" counts
        stages = [step.stage.value for step in steps]
        rows = []
        for index, step in enumerate(steps):
            after = stages[index + 1] if index + 1 < len(stages) else None
            rows.append(
                {
                    "stage": step.stage.value,
                    "is_current": step.is_current,
                    "is_past": step.is_past,
                    "started_at": began.get(step.stage.value),
                    "ended_at": began.get(after) if after and step.is_past else None,
                    "decisions": [
                        {
                            "id": item.gate.pk,
                            "to_stage": item.gate.to_stage,
                            "outcome": item.outcome,
                        }
                        for item in step.gates
                    ],
                }
            )
        return list(StageSerializer(rows, many=True).data)

    @extend_schema_field(RecordCheckSerializer(allow_null=True))
    def get_record_check(self, project: Project) -> dict[str, Any] | None:
        check = record_status(project)
        return None if check is None else RecordCheckSerializer(check).data


class ProjectDetail(ProjectScoped):
    """One project: its stage, rule, timeline and the last check of its record."""

    serializer_class = ProjectDetailSerializer

    @extend_schema(responses=ProjectDetailSerializer)
    def get(self, request: Request, slug: str) -> Response:
        project = self.access.project
        membership = self.access.membership
        project.my_role = membership.role  # type: ignore[attr-defined]
        project.my_co_lead = membership.is_co_lead  # type: ignore[attr-defined]
        return Response(ProjectDetailSerializer(project).data)
