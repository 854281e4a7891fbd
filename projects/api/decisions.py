"""`/api/v1/projects/<slug>/decisions/`: each decision as its page shows it to every member.

While voting is open only the turnout per group is given, never which way anyone voted or
how many chose what; the figures per group, the objections with their responses and the
sign-off come once voting has closed, as on the site.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import Bloc, Choice, Gate, GateOutcome, GateStatus, ResponseOutcome, Stage, Vote
from ..selectors import gates as gate_reading
from ..services import closing
from .base import ProjectScoped
from .naming import Naming


class TurnoutSerializer(serializers.Serializer):  # type: ignore[type-arg]
    voted = serializers.IntegerField()
    electorate = serializers.IntegerField(help_text="Members of the group who may vote.")


class GroupTurnoutSerializer(serializers.Serializer):  # type: ignore[type-arg]
    lived = TurnoutSerializer(help_text="Experts by experience.")
    learned = TurnoutSerializer(help_text="Practitioners.")


class GroupResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    electorate = serializers.IntegerField()
    votes_cast = serializers.IntegerField()
    approvals = serializers.IntegerField()
    objections = serializers.IntegerField()
    abstentions = serializers.IntegerField()
    quorum_needed = serializers.IntegerField()
    quorum_met = serializers.BooleanField()
    approval_share = serializers.FloatField(help_text="Approvals over votes cast, 0 to 1.")


class ResultsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    rule = serializers.CharField()
    lived = GroupResultSerializer(help_text="Experts by experience.")
    learned = GroupResultSerializer(help_text="Practitioners.")
    weighted_score = serializers.FloatField(allow_null=True)
    closed_early = serializers.BooleanField()
    quorum_unreachable = serializers.CharField(allow_null=True)


class ObjectionResponseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    outcome = serializers.ChoiceField(choices=ResponseOutcome.choices)
    body = serializers.CharField()
    at = serializers.DateTimeField()
    version = serializers.IntegerField()


class ObjectionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    group = serializers.ChoiceField(choices=Bloc.choices)
    objector = serializers.CharField(
        allow_null=True, help_text="Only when they agreed to share their name."
    )
    reason = serializers.CharField(
        allow_null=True, help_text="Null when they asked not to be quoted."
    )
    recorded_with_help = serializers.BooleanField()
    response = ObjectionResponseSerializer(allow_null=True)


class SignOffSerializer(serializers.Serializer):  # type: ignore[type-arg]
    assured = serializers.BooleanField(help_text="Whether the co-production was genuine.")
    reasons = serializers.CharField()
    at = serializers.DateTimeField()
    commissioner = serializers.CharField(
        allow_null=True, help_text="Only when they agreed to share their name."
    )


class DecisionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    from_stage = serializers.ChoiceField(choices=Stage.choices)
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    proposal = serializers.CharField()
    what_changes = serializers.CharField()
    status = serializers.ChoiceField(choices=GateStatus.choices)
    outcome = serializers.ChoiceField(choices=GateOutcome.choices)
    outcome_text = serializers.CharField(help_text="The outcome in words, as on the site.")
    proposed_at = serializers.DateTimeField()
    opened_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    signoff_required = serializers.BooleanField()
    turnout = serializers.SerializerMethodField(
        help_text="While voting is open: who has voted, per group (never which way)."
    )
    results = serializers.SerializerMethodField(help_text="Once voting has closed.")
    objections = serializers.SerializerMethodField(help_text="Once voting has closed.")
    sign_off = serializers.SerializerMethodField()

    @property
    def naming(self) -> Naming:
        return self.context.get("naming") or Naming()

    @extend_schema_field(GroupTurnoutSerializer(allow_null=True))
    def get_turnout(self, gate: Gate) -> dict[str, Any] | None:
        if not gate.is_open:
            return None
        counts = closing.turnout(gate)
        return {
            bloc: {"voted": voted, "electorate": electorate}
            for bloc, (voted, electorate) in counts.items()
        }

    @extend_schema_field(ResultsSerializer(allow_null=True))
    def get_results(self, gate: Gate) -> dict[str, Any] | None:
        if not gate.is_closed or not gate.results:
            return None
        return ResultsSerializer(gate.results).data

    @extend_schema_field(ObjectionSerializer(many=True))
    def get_objections(self, gate: Gate) -> list[dict[str, Any]]:
        if not gate.is_closed:
            return []
        rows = []
        for vote in gate.objection_votes:  # type: ignore[attr-defined]
            response = getattr(vote, "response", None)
            rows.append(
                {
                    "id": vote.pk,
                    "group": gate.electorate.get(str(vote.voter_id), Bloc.NON_VOTING),
                    "objector": self.naming.name(vote.voter),
                    "reason": self.naming.words(vote.voter_id, vote.reason),
                    "recorded_with_help": vote.assisted,
                    "response": None
                    if response is None
                    else {
                        "outcome": response.outcome,
                        "body": response.body,
                        "at": response.at,
                        "version": response.version,
                    },
                }
            )
        return list(ObjectionSerializer(rows, many=True).data)

    @extend_schema_field(SignOffSerializer(allow_null=True))
    def get_sign_off(self, gate: Gate) -> dict[str, Any] | None:
        signoff = getattr(gate, "signoff", None)
        if signoff is None or not gate.is_closed:
            return None
        return {
            "assured": signoff.assured,
            "reasons": signoff.reasons,
            "at": signoff.at,
            "commissioner": self.naming.name(signoff.commissioner),
        }

    def to_representation(self, gate: Gate) -> dict[str, Any]:
        # Draft and open decisions have no outcome sentence on the site: their status is it.
        gate.outcome_text = (  # type: ignore[attr-defined]
            gate_reading.describe_outcome(gate) or gate.outcome.label
        )
        return super().to_representation(gate)


class Decisions(ProjectScoped):
    serializer_class = DecisionSerializer

    def get_queryset(self) -> QuerySet[Gate]:
        objections = (
            Vote.objects.filter(choice=Choice.OBJECT)
            .select_related("voter", "response")
            .order_by("cast_at", "pk")
        )
        return (
            Gate.objects.filter(project=self.access.project)
            .select_related("signoff__commissioner")
            .prefetch_related(Prefetch("votes", objections, to_attr="objection_votes"))
        )

    def respond(self, gates: list[Gate]) -> list[dict[str, Any]]:
        for gate in gates:
            gate.project = self.access.project
        people = [
            vote.voter_id
            for gate in gates
            if gate.is_closed
            for vote in gate.objection_votes  # type: ignore[attr-defined]
        ]
        people += [gate.signoff.commissioner_id for gate in gates if hasattr(gate, "signoff")]
        naming = Naming.of(people, quoting=True)
        return list(DecisionSerializer(gates, many=True, context={"naming": naming}).data)


class DecisionList(Decisions, generics.ListAPIView):  # type: ignore[type-arg]
    """The project's decisions, oldest first, drafts and withdrawn ones included."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response(self.respond(list(page)))


class DecisionDetail(Decisions):
    """One decision."""

    @extend_schema(responses=DecisionSerializer)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        gate = generics.get_object_or_404(self.get_queryset(), pk=pk)
        return Response(self.respond([gate])[0])
