"""The project's ideas and comments page. Each view: access → form → one service call."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.kept_forms import form_page, kept_fields, post_only
from projects.permissions import CONTRIBUTE, MANAGE_GATES, VIEW_PROJECT, access_project
from projects.services import ProjectError

from . import contributions
from .contribution_forms import ContributionForm, ResponseForm
from .models import Contribution

PAGE_SIZE = 30


@form_page
def contribution_list(request: Request, slug: str) -> HttpResponse:
    access = access_project(
        request.user, slug, CONTRIBUTE if request.method == "POST" else VIEW_PROJECT
    )
    form = ContributionForm(request.POST or None, initial=kept_fields(request))
    if request.method == "POST" and form.is_valid():
        try:
            contributions.add_contribution(
                project=access.project, author=request.user, **form.cleaned_data
            )
        except ProjectError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you. Everyone in the project can now read it."))
            return redirect("contributions:list", slug=slug)
    rows = (
        Contribution.objects.filter(project=access.project)
        .select_related("author", "response__responder")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contributions/list.html",
        access.page_context(
            nav="ideas",
            page=page,
            form=form if access.can(CONTRIBUTE) else None,
            can_respond=access.can(MANAGE_GATES),
        ),
        status=400 if request.method == "POST" else 200,
    )


@post_only("contributions:list", "slug")
def contribution_respond(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, MANAGE_GATES)
    contribution = get_object_or_404(Contribution, pk=pk, project=access.project)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        # The field's own words: "Please write a response.", or the length limit.
        messages.error(request, " ".join(str(error) for error in form.errors["body"]))
    else:
        try:
            contributions.respond(
                contribution=contribution, responder=request.user, body=form.cleaned_data["body"]
            )
        except ProjectError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Response recorded."))
    return redirect("contributions:list", slug=slug)
