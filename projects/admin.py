"""Site staff's view of projects.

Almost everything here is read-only on purpose. Memberships decide guardian group membership,
gates and votes are the record of a decision, and the event log is evidence: changing any of
them here would skip the services that keep permissions in step and write the event log. The
one thing staff may edit is a project's settings, and even that goes through the service, so
the change is logged like any other.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from coproduce.models import User

from . import services
from .forms.projects import SETTINGS_FIELDS
from .models import (
    Event,
    Gate,
    Membership,
    ObjectionResponse,
    Project,
    ProjectGroupObjectPermission,
    ProjectRoleGroup,
    ProjectUserObjectPermission,
    RecordCheck,
    SignOff,
    Vote,
)


class ReadOnlyMixin:
    """Staff can look but not add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(GuardedModelAdmin):
    list_display = ("title", "stage", "decision_rule", "created_at")
    list_filter = ("stage", "decision_rule")
    search_fields = ("title", "slug", "summary")
    fields = ("slug", "stage", "created_by", "created_at", *SETTINGS_FIELDS)
    # The stage moves only through a gate; the rest is fixed when the project starts.
    readonly_fields = ("slug", "stage", "created_by", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A project needs its role groups and a first co-lead: start it on the site.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Project | None = None) -> bool:
        # A project with history is closed, never deleted (the event log protects it anyway).
        return False

    def has_change_permission(self, request: HttpRequest, obj: Project | None = None) -> bool:
        # A closed project is a finished record: staff see it, as everyone does, but the
        # services refuse every change to it, so the admin offers none.
        if obj is not None and obj.is_closed:
            return False
        return super().has_change_permission(request, obj)

    # guardian's "Object permissions" page lists who holds which permission on the project.
    # Granting one there would give a right that no role has, past the membership services,
    # so its per-person and per-group editing pages send staff back with the reason.

    def obj_perms_manage_user_view(
        self, request: HttpRequest, object_pk: str, user_id: str
    ) -> HttpResponse:
        return self._permissions_follow_roles(request, object_pk)

    def obj_perms_manage_group_view(
        self, request: HttpRequest, object_pk: str, group_id: str
    ) -> HttpResponse:
        return self._permissions_follow_roles(request, object_pk)

    def _permissions_follow_roles(self, request: HttpRequest, object_pk: str) -> HttpResponse:
        messages.info(
            request,
            _(
                "Permissions on a project follow each member's role and whether they are a "
                "co-lead. Change those on the project's Members page; this page only shows them."
            ),
        )
        return redirect("admin:projects_project_permissions", object_pk)

    def save_model(
        self, request: HttpRequest, obj: Project, form: ModelForm[Project], change: bool
    ) -> None:
        if not isinstance(request.user, User):
            raise PermissionDenied
        changes: dict[str, Any] = {name: form.cleaned_data[name] for name in form.changed_data}
        services.update_settings(project=obj, actor=request.user, changes=changes)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyMixin, admin.ModelAdmin[Membership]):
    list_display = ("user", "project", "role", "is_co_lead", "joined_at", "left_at")
    list_filter = ("role", "is_co_lead")
    search_fields = ("user__email", "user__display_name", "project__title")
    list_select_related = ("user", "project")
    actions = ["make_co_lead"]

    @admin.action(description=_("Make the selected members co-leads"))
    def make_co_lead(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        """The way out for a project whose co-leads can no longer act (their accounts were
        switched off, say): staff name a new co-lead, through the service, so it is logged."""
        if not isinstance(request.user, User):
            raise PermissionDenied
        for membership in queryset.select_related("user", "project"):
            try:
                services.set_co_lead(membership=membership, is_co_lead=True, actor=request.user)
            except services.ProjectError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(name)s is now a co-lead of %(project)s.")
                    % {"name": membership.user, "project": membership.project},
                )


class VoteInline(ReadOnlyMixin, admin.TabularInline[Vote, Gate]):
    model = Vote

    def get_queryset(self, request: HttpRequest) -> QuerySet[Vote]:
        return super().get_queryset(request).select_related("voter")

    fields = ("voter", "choice", "reason", "cast_at", "changed_at")
    readonly_fields = fields
    extra = 0


@admin.register(Gate)
class GateAdmin(ReadOnlyMixin, admin.ModelAdmin[Gate]):
    list_display = ("__str__", "project", "status", "passed", "opened_at", "closes_at")
    list_filter = ("status", "passed")
    search_fields = ("project__title", "proposal")
    list_select_related = ("project",)

    def get_inlines(
        self, request: HttpRequest, obj: Gate | None
    ) -> list[type[admin.options.InlineModelAdmin[Any, Any]]]:
        # How people voted stays hidden from everyone, staff included, until voting closes.
        return [VoteInline] if obj is not None and obj.is_closed else []


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyMixin, admin.ModelAdmin[SignOff]):
    list_display = ("gate", "commissioner", "assured", "at")
    list_filter = ("assured",)
    list_select_related = ("gate__project", "commissioner")


@admin.register(ObjectionResponse)
class ObjectionResponseAdmin(ReadOnlyMixin, admin.ModelAdmin[ObjectionResponse]):
    list_display = ("objection", "responder", "at")
    list_select_related = ("objection__voter", "objection__gate__project", "responder")


@admin.register(Event)
class EventAdmin(ReadOnlyMixin, admin.ModelAdmin[Event]):
    list_display = ("at", "project", "seq", "kind", "actor", "stage", "summary")
    list_filter = ("kind", "stage")
    search_fields = ("project__title", "summary")
    list_select_related = ("project", "actor")
    date_hierarchy = "at"


@admin.register(RecordCheck)
class RecordCheckAdmin(ReadOnlyMixin, admin.ModelAdmin[RecordCheck]):
    """The last check of each project's hash chain, made by `verify_log` and every hour."""

    list_display = ("project", "checked_at", "entries", "fault", "fault_seq")
    list_filter = ("fault",)
    list_select_related = ("project",)


@admin.register(ProjectRoleGroup)
class ProjectRoleGroupAdmin(ReadOnlyMixin, admin.ModelAdmin[ProjectRoleGroup]):
    list_display = ("project", "key", "group")
    list_filter = ("key",)
    list_select_related = ("project", "group")


HIDDEN_WHILE_OPEN = _("Hidden until voting closes")


@admin.register(Vote)
class VoteAdmin(ReadOnlyMixin, admin.ModelAdmin[Vote]):
    """Who voted and when; how they voted only once voting has closed, as on the site.

    No filter or search on the direction or the reason: either would reveal them while open.
    """

    list_display = ("gate", "voter", "direction", "cast_at", "changed_at")
    list_select_related = ("gate__project", "voter")
    search_fields = ("gate__project__title", "voter__email", "voter__display_name")
    fields = ("gate", "voter", "direction", "objection_reason", "cast_at", "changed_at")
    readonly_fields = fields

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The admin accepts filters on a model's own fields in the address bar
        # (?choice=object): refuse any on the direction or the reason.
        if {"choice", "reason"} & set(lookup.split("__")):
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("vote"))
    def direction(self, vote: Vote) -> str:
        return str(vote.get_choice_display() if vote.gate.is_closed else HIDDEN_WHILE_OPEN)

    @admin.display(description=_("reason"))
    def objection_reason(self, vote: Vote) -> str:
        return vote.reason if vote.gate.is_closed else str(HIDDEN_WHILE_OPEN)


@admin.register(ProjectUserObjectPermission)
class ProjectUserObjectPermissionAdmin(ReadOnlyMixin, admin.ModelAdmin[Any]):
    """Permissions held by one person directly. The site never grants any (they come through
    role groups), so this list shows if anything ever did."""

    list_display = ("content_object", "user", "permission")
    list_select_related = ("content_object", "user", "permission")


@admin.register(ProjectGroupObjectPermission)
class ProjectGroupObjectPermissionAdmin(ReadOnlyMixin, admin.ModelAdmin[Any]):
    """What each role group may do on its project, as granted by the role table."""

    list_display = ("content_object", "group", "permission")
    list_filter = ("permission",)
    list_select_related = ("content_object", "group", "permission")


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Site-wide groups only: each project's role groups follow its memberships, through the
    services, and are shown read-only under "Project role groups"."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        return super().get_queryset(request).filter(project_role__isnull=True)
