"""Recording with help: the page to record for a member, and the page where the helper types
the code the member reads back. Each view: access → form → one service call.

Only the person who recorded a record ever sees it: anyone else, co-leads included, gets a
404, because the record says how the member voted."""

from __future__ import annotations

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.kept_forms import form_page, kept_fields, post_only
from coproduce.refusals import Refusal
from projects.models import Gate
from projects.permissions import HELP_MEMBERS, ProjectAccess, access_project

from ..forms.assistance import CodeForm, HelpForm, upcoming_activities
from ..models import HelpRequest, HelpStatus
from ..services import assistance


def _help_form(request: Request, access: ProjectAccess, data: object = None) -> HelpForm:
    return HelpForm(
        data,
        initial=kept_fields(request) or None,
        members=assistance.members_to_help(project=access.project, helper=request.user),
        gate=Gate.objects.open_vote(access.project.pk),
        activities=upcoming_activities(access.project.pk),
    )


@form_page
def record(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, HELP_MEMBERS)
    if request.method != "POST":
        return _record_page(request, access, _help_form(request, access))
    form = _help_form(request, access, request.POST)
    if form.is_valid():
        try:
            made = assistance.record_with_help(
                project=access.project,
                helper=request.user,
                member=form.cleaned_data["member"],
                details=form.details(),
            )
        except assistance.AssistanceError as error:
            form.add_error(None, str(error))
        else:
            if made.status == HelpStatus.NOT_CONFIRMED:
                messages.success(
                    request,
                    _(
                        "Recorded for %(name)s. They have no phone or email to confirm it, so "
                        "it shows as recorded with help by you, not confirmed."
                    )
                    % {"name": made.member},
                )
                return redirect("assistance:record", slug=slug)
            return redirect("assistance:confirm", slug=slug, pk=made.pk)
    return _record_page(request, access, form, error_form=form)


def _record_page(
    request: Request, access: ProjectAccess, form: HelpForm, error_form: BaseForm | None = None
) -> HttpResponse:
    # Only the records this person started: never anyone else's, never the member's votes.
    waiting = (
        HelpRequest.objects.waiting()
        .filter(project=access.project, helper=request.user)
        .select_related("member")
    )
    return render(
        request,
        "participation/assistance/record.html",
        access.page_context(
            nav="help", form=form, error_form=error_form, waiting=waiting, gate=form.gate
        ),
    )


def _mine(request: Request, access: ProjectAccess, pk: int) -> HelpRequest:
    return get_object_or_404(
        HelpRequest.objects.select_related("member", "gate", "activity", "project"),
        pk=pk,
        project=access.project,
        helper=request.user,
    )


def _confirm_page(
    request: Request,
    access: ProjectAccess,
    made: HelpRequest,
    *,
    form: CodeForm | None = None,
    error_form: BaseForm | None = None,
) -> HttpResponse:
    expired = made.is_waiting and made.has_expired(timezone.now())
    return render(
        request,
        "participation/assistance/confirm.html",
        access.page_context(
            nav="help",
            made=made,
            what=assistance.what_was_recorded(made),
            expired=expired,
            form=form or (CodeForm() if made.is_waiting and not expired else None),
            error_form=error_form,
            can_resend=made.is_waiting and made.sends < assistance.MAX_SENDS,
            max_sends=assistance.MAX_SENDS,
            minutes=int(assistance.CODE_LIFETIME.total_seconds() // 60),
        ),
    )


@form_page
def confirm(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, HELP_MEMBERS)
    made = _mine(request, access, pk)
    if request.method != "POST":
        return _confirm_page(request, access, made)
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            made = assistance.confirm(
                request=made, helper=request.user, code=form.cleaned_data["code"]
            )
        except assistance.AssistanceError as error:
            form.add_error("code", str(error))
            made.refresh_from_db()
        else:
            messages.success(
                request,
                _("%(name)s confirmed it. It is recorded, marked as made with your help.")
                % {"name": made.member},
            )
            return redirect("assistance:record", slug=slug)
    return _confirm_page(request, access, made, form=form, error_form=form)


@post_only("assistance:confirm", "slug", "pk")
def resend(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, HELP_MEMBERS)
    made = _mine(request, access, pk)
    try:
        assistance.resend(request=made, helper=request.user)
    except assistance.AlreadyDone as done:
        messages.info(request, str(done))
        return redirect("assistance:confirm", slug=slug, pk=pk)
    except assistance.AssistanceError as error:
        made.refresh_from_db()
        return _confirm_page(request, access, made, error_form=Refusal(str(error)))
    messages.success(request, _("We sent the same code again."))
    return redirect("assistance:confirm", slug=slug, pk=pk)


@post_only("assistance:confirm", "slug", "pk")
def cancel(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, HELP_MEMBERS)
    made = _mine(request, access, pk)
    try:
        assistance.cancel(request=made, helper=request.user)
    except assistance.AlreadyDone as done:
        # A double tap or a second tab: nothing to fix, so a notice, not an error.
        messages.info(request, str(done))
        return redirect("assistance:confirm", slug=slug, pk=pk)
    messages.success(
        request, _("Cancelled. Nothing was recorded for %(name)s.") % {"name": made.member}
    )
    return redirect("assistance:record", slug=slug)
