"""The project's ideas and comments page. Each view: access → form → one service call."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.kept_forms import form_page, kept_fields, post_only
from projects.permissions import (
    CONTRIBUTE,
    MANAGE_GATES,
    VIEW_PROJECT,
    ProjectAccess,
    access_project,
)
from projects.responses import answered_by_stage
from projects.services import ProjectError

from ..forms.contributions import ContributionForm, ResponseForm
from ..models import Contribution
from ..services import contributions

PAGE_SIZE = 30


def _ideas_page(
    request: Request,
    access: ProjectAccess,
    *,
    form: ContributionForm | None = None,
    error_form: BaseForm | None = None,
) -> HttpResponse:
    """The list with the form to add one. `error_form` is a form sent from the page that
    failed: shown in place with what was typed, its messages in the summary at the top."""
    rows = (
        Contribution.objects.filter(project=access.project)
        .select_related("author", "recorded_by", "response__responder")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    failed = error_form if isinstance(error_form, ResponseForm) else None
    can_respond = access.can(MANAGE_GATES)
    items = [
        (
            item,
            (failed if failed and failed.is_for(item) else None)
            or (ResponseForm(item=item) if can_respond else None),
        )
        for item in page.object_list
    ]
    if form is None and access.can(CONTRIBUTE):
        form = ContributionForm(initial=kept_fields(request))
    return render(
        request,
        "contributions/list.html",
        access.page_context(
            nav="ideas",
            page=page,
            items=items,
            form=form if access.can(CONTRIBUTE) else None,
            error_form=error_form,
            answered=answered_by_stage(access.project),
        ),
    )


@form_page
def contribution_list(request: Request, slug: str) -> HttpResponse:
    access = access_project(
        request.user, slug, CONTRIBUTE if request.method == "POST" else VIEW_PROJECT
    )
    if request.method != "POST":
        return _ideas_page(request, access)
    form = ContributionForm(request.POST)
    if form.is_valid():
        try:
            contributions.add_contribution(
                project=access.project, author=request.user, **form.cleaned_data
            )
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you. Everyone in the project can now read it."))
            return redirect("contributions:list", slug=slug)
    return _ideas_page(request, access, form=form, error_form=form)


@post_only("contributions:list", "slug")
def contribution_respond(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(
        request.user,
        slug,
        MANAGE_GATES,
        who_may=gettext_lazy("Only the project's co-leads answer ideas and comments."),
    )
    contribution = get_object_or_404(
        Contribution.objects.select_related("author", "response"), pk=pk, project=access.project
    )
    form = ResponseForm(request.POST, item=contribution)
    if form.is_valid():
        try:
            contributions.respond(
                contribution=contribution, responder=request.user, **form.cleaned_data
            )
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Response recorded."))
            return redirect("contributions:list", slug=slug)
    return _ideas_page(request, access, error_form=form)
