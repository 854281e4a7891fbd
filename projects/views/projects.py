"""Project pages. Each view does three things: access, form, one service call.

Access always goes through `access_project`, so non-members get 404 and members without the
right get 403. A form with mistakes, or a change the rules refuse (ProjectError), changes
nothing: the page comes back with what was typed and the one error summary at the top (see
templates/_error_summary.html), which the page's template gets as `form` or `error_form`.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from typing import Any

from allauth.account.decorators import verified_email_required as _verified_email_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.http import posted
from coproduce.kept_forms import form_page, kept_fields, post_only
from coproduce.refusals import Refusal

from .. import panels, services
from ..dashboard import sections as dashboard_sections
from ..forms.projects import CoLeadForm, ConfirmForm, NewProjectForm, ProjectSettingsForm, RoleForm
from ..models import Membership, Role
from ..permissions import CHANGE_PROJECT, MANAGE_MEMBERS, ProjectAccess, access_project
from ..selectors import projects as selectors
from ..selectors import record
from ..services import closing as gate_closing

View = Callable[..., HttpResponse]
# Sends a verification email and explains why, instead of the page, to unverified accounts.
verified_email_required: Callable[[View], View] = _verified_email_required


def _render_form(
    request: HttpRequest, template: str, form: BaseForm, context: dict[str, Any]
) -> HttpResponse:
    return render(request, template, {**context, "form": form})


def _attempt(request: HttpRequest, change: Callable[[], object], done: str) -> Refusal | None:
    """Make one change and say so (`done`); on refusal return its plain-English reason as a
    form for the error summary of the page the person is on."""
    try:
        change()
    except services.ProjectError as error:
        return Refusal(str(error))
    messages.success(request, done)
    return None


def _unconfirmed(request: HttpRequest) -> ConfirmForm | None:
    """The confirmation, when it did not come as the page's button sends it: said at the top
    of the page rather than the page coming back as if nothing had been pressed."""
    form = ConfirmForm(request.POST)
    return None if form.is_valid() else form


# --- Dashboard and starting a project -------------------------------------------------------


@login_required
def dashboard(request: Request) -> HttpResponse:
    return render(
        request,
        "dashboard.html",
        {
            "dashboard": selectors.dashboard(request.user, request.GET.get("page")),
            "sections": dashboard_sections(request.user),
        },
    )


@verified_email_required
def project_new(request: Request) -> HttpResponse:
    user = request.user
    form = NewProjectForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_project(
                creator=user, creator_role=form.cleaned_data["role"], **form.changes()
            )
        except services.ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your project has started. You are its first co-lead."))
            return redirect(project)
    return _render_form(request, "projects/new.html", form, {"role_choices": Role.choices})


# --- Reading a project ----------------------------------------------------------------------


@login_required
def project_detail(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug)
    timeline = selectors.timeline(access.project)
    return render(
        request,
        "projects/detail.html",
        access.page_context(
            timeline=timeline,
            blocking=selectors.blocking_in(timeline),
            vote_call=selectors.vote_call(access, timeline),
            blocs=selectors.members_by_bloc(access.project),
            panels=panels.overview(access),
            nav="detail",
        ),
    )


@login_required
def history(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug)
    page = selectors.history_page(access.project, request.GET.get("page"))
    return render(
        request,
        "projects/history.html",
        access.page_context(page=page, nav="history", record=record.record_status(access.project)),
    )


@login_required
def history_csv(request: Request, slug: str) -> StreamingHttpResponse:
    """The whole log with its hashes, streamed (see `selectors.record.log_csv`)."""
    access = access_project(request.user, slug)
    response = StreamingHttpResponse(
        record.log_csv(access.project), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-record.csv"'
    return response


@form_page
def project_settings(request: Request, slug: str) -> HttpResponse:
    user = request.user
    access = access_project(user, slug, CHANGE_PROJECT)
    # The form works on a copy, so a rejected title never shows up in the page heading.
    form = ProjectSettingsForm(
        posted(request), instance=copy(access.project), initial=kept_fields(request)
    )
    if request.method == "POST" and form.is_valid():
        services.update_settings(project=access.project, actor=user, changes=form.changes())
        messages.success(request, _("The settings are saved."))
        return redirect("projects:settings", slug=slug)
    return _render_form(
        request, "projects/settings.html", form, access.page_context(nav="settings")
    )


# --- Members --------------------------------------------------------------------------------


@login_required
def members(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug)
    return _members_page(request, access)


def _members_page(
    request: Request,
    access: ProjectAccess,
    *,
    error_form: BaseForm | None = None,
    failed_member: int | None = None,
) -> HttpResponse:
    """The members page; `error_form` failed for the member with pk `failed_member`."""
    members = selectors.current_members(access.project)
    open_vote, voters = selectors.open_vote_electorate(access.project, members)
    return render(
        request,
        "projects/members.html",
        access.page_context(
            members=members,
            open_vote=open_vote,
            voters=voters,
            sole_co_lead=selectors.sole_co_lead(members),
            may_leave=selectors.may_leave(access),
            nav="members",
            error_form=error_form,
            failed_member=failed_member,
        ),
    )


def _member(access: ProjectAccess, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.active().filter(project=access.project).select_related("user"), pk=pk
    )


@post_only("projects:members", "slug")
def member_role(request: Request, slug: str, pk: int) -> HttpResponse:
    user = request.user
    access = access_project(user, slug, MANAGE_MEMBERS)
    member = _member(access, pk)
    form = RoleForm(request.POST, auto_id=f"member-{pk}-%s")
    if form.is_valid():
        role = Role(form.cleaned_data["role"])
        refusal = _attempt(
            request,
            lambda: services.change_role(membership=member, role=role, actor=user),
            _("%(name)s's role is now %(role)s.") % {"name": member.user, "role": role.label},
        )
        if refusal is None:
            return redirect("projects:members", slug=slug)
        return _members_page(request, access, error_form=refusal)
    return _members_page(request, access, error_form=form, failed_member=pk)


@post_only("projects:members", "slug")
def member_co_lead(request: Request, slug: str, pk: int) -> HttpResponse:
    user = request.user
    access = access_project(user, slug, MANAGE_MEMBERS)
    member = _member(access, pk)
    form = CoLeadForm(request.POST)
    if not form.is_valid():
        refusal: Refusal | None = Refusal(_("Nothing was changed. Please try again."))
    else:
        is_co_lead: bool = form.cleaned_data["is_co_lead"]
        done = _("%(name)s is now a co-lead.") if is_co_lead else _("%(name)s is not a co-lead.")
        refusal = _attempt(
            request,
            lambda: services.set_co_lead(membership=member, is_co_lead=is_co_lead, actor=user),
            done % {"name": member.user},
        )
    if refusal is None:
        return redirect("projects:members", slug=slug)
    return _members_page(request, access, error_form=refusal)


@login_required
def member_remove(request: Request, slug: str, pk: int) -> HttpResponse:
    """Removing someone takes two steps: the button on the members page, then this page.
    Pressed again once they are gone, it says so instead of a missing page."""
    user = request.user
    access = access_project(user, slug, MANAGE_MEMBERS)
    member = get_object_or_404(
        Membership.objects.filter(project=access.project).select_related("user"), pk=pk
    )
    if not member.is_active:
        messages.info(request, _("%(name)s is no longer a member.") % {"name": member.user})
        return redirect("projects:members", slug=slug)
    refusal = services.removal_refusal(member)
    failed: BaseForm | None = None
    if refusal is None and request.method == "POST":
        failed = _unconfirmed(request) or _attempt(
            request,
            lambda: services.remove_member(membership=member, actor=user),
            _("%(name)s was removed from the project.") % {"name": member.user},
        )
        if failed is None and member.user_id == user.pk:
            return redirect("dashboard")
        if failed is None:
            return redirect("projects:members", slug=slug)
    # A removal the rules refuse is explained here, with no button that could only fail.
    return render(
        request,
        "projects/member_remove.html",
        access.page_context(member=member, refusal=refusal, nav="members", error_form=failed),
    )


@login_required
def leave(request: Request, slug: str) -> HttpResponse:
    """Leaving also takes two steps: the button on the members page, then this page.
    Pressed again after leaving, it goes where the first press went."""
    former = selectors.former_membership(request.user, slug)
    if request.method == "POST" and former is not None:
        messages.info(request, _("You have left %(title)s.") % {"title": former.project})
        return redirect("dashboard")
    access = access_project(request.user, slug)
    if not selectors.may_leave(access):
        raise PermissionDenied
    refusal = services.last_co_lead_refusal(access.membership)
    failed: BaseForm | None = None
    if refusal is None and request.method == "POST":
        failed = _unconfirmed(request) or _attempt(
            request,
            lambda: services.leave_project(membership=access.membership),
            _("You have left %(title)s.") % {"title": access.project},
        )
        if failed is None:
            return redirect("dashboard")
    return render(
        request,
        "projects/leave.html",
        access.page_context(
            nav="members",
            refusal=refusal,
            ends_vote=gate_closing.ended_by_leaving(access.project.pk, request.user.pk),
            error_form=failed,
        ),
    )
