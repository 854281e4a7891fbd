"""`/api/v1/projects/<slug>/members/`: the current members by group, as the members page lists
them, with names only for those who agreed to share them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from coproduce.api.schema import refusal

from ..models import BLOC_OF_ROLE, Bloc, Membership, Role
from .base import ProjectScoped
from .naming import Naming


class MemberSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(help_text="The membership's id (not the person's).")
    group = serializers.ChoiceField(choices=Bloc.choices)
    role = serializers.ChoiceField(choices=Role.choices)
    is_co_lead = serializers.BooleanField()
    joined_at = serializers.DateTimeField()
    takes_part = serializers.BooleanField(
        help_text="False when the account is switched off: listed, but never counted."
    )
    name = serializers.CharField(
        allow_null=True, help_text="Only when the member agreed to share it; otherwise null."
    )


GROUPS = {bloc.value: [role for role, b in BLOC_OF_ROLE.items() if b == bloc] for bloc in Bloc}


@extend_schema(
    parameters=[
        OpenApiParameter(
            "group", OpenApiTypes.STR, enum=list(GROUPS), description="Only this group."
        )
    ],
    responses={
        200: MemberSerializer(many=True),
        400: refusal("The group asked for is not one of these."),
    },
)
class MemberList(ProjectScoped, generics.ListAPIView):  # type: ignore[type-arg]
    """The project's current members, in the order they joined."""

    serializer_class = MemberSerializer

    def get_queryset(self) -> QuerySet[Membership]:
        members = Membership.objects.active().filter(project=self.access.project)
        group = self.request.query_params.get("group")
        if group is not None:
            if group not in GROUPS:
                # A sentence in `detail`, as every refusal of the API (coproduce.api.errors).
                raise exceptions.ParseError(
                    _("Choose one of these groups: %(groups)s.") % {"groups": ", ".join(GROUPS)}
                )
            members = members.filter(role__in=GROUPS[group])
        return members.select_related("user")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        naming = Naming.of(member.user_id for member in page)
        rows = [
            {
                "id": member.pk,
                "group": member.bloc.value,
                "role": member.role,
                "is_co_lead": member.is_co_lead,
                "joined_at": member.joined_at,
                "takes_part": member.takes_part,
                "name": naming.name(member.user),
            }
            for member in page
        ]
        return self.get_paginated_response(MemberSerializer(rows, many=True).data)
