"""A project's activities: the list, planning and changing one, its page (reply and
adjustment), recording who took part, and its calendar file. Each view: access → form → one
service call."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.http import posted
from coproduce.kept_forms import form_page, kept_fields, post_only
from projects.permissions import (
    CONTRIBUTE,
    MANAGE_PAYMENTS,
    RECORD_ACTIVITIES,
    VIEW_ACCESS_NEEDS,
    VIEW_PROJECT,
    ProjectAccess,
    access_project,
)
from projects.services import ProjectError

from ..calendar import activity_calendar
from ..forms.activities import (
    ActivityForm,
    AdjustmentForm,
    AttendanceForm,
    CancelForm,
    ProvidedForm,
    ReplyForm,
)
from ..models import AccessNeeds, Activity, Adjustment, Attendance
from ..selectors import activities as reading
from ..selectors import payments as money
from ..services import activities

# How many past activities the project page lists; older ones are in the history.
PAST_SHOWN = 50


def _activity(access: ProjectAccess, pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.select_related("project"), pk=pk, project=access.project
    )


@login_required
def activity_list(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug)
    return render(
        request,
        "participation/activities/list.html",
        access.page_context(nav="activities", **reading.project_activities(access, PAST_SHOWN)),
    )


def _needs_for_planning(access: ProjectAccess) -> list[AccessNeeds] | None:
    """What members need to take part, beside the planning form, for those who may see it
    (co-leads); None for anyone else, so the page shows nothing of it."""
    if not access.can(VIEW_ACCESS_NEEDS):
        return None
    return list(AccessNeeds.objects.in_project(access.project.pk))


@form_page
def activity_new(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, RECORD_ACTIVITIES)
    form = ActivityForm(posted(request), initial=kept_fields(request))
    if request.method == "POST" and form.is_valid():
        try:
            activity = activities.plan_activity(
                project=access.project, actor=request.user, **form.changes()
            )
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Activity saved. Members can now see it and reply."))
            return redirect(activity)
    return render(
        request,
        "participation/activities/form.html",
        access.page_context(
            nav="activities", form=form, activity=None, access_needs=_needs_for_planning(access)
        ),
    )


@form_page
def activity_edit(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, RECORD_ACTIVITIES)
    activity = _activity(access, pk)
    form = ActivityForm(posted(request), activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            activities.change_activity(activity=activity, actor=request.user, **form.changes())
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Changes saved."))
            return redirect(activity)
    return render(
        request,
        "participation/activities/form.html",
        access.page_context(
            nav="activities",
            form=form,
            activity=activity,
            access_needs=_needs_for_planning(access),
        ),
    )


@form_page
def activity_cancel(request: Request, slug: str, pk: int) -> HttpResponse:
    """Two steps: the button on the activity's page, then this page with an optional reason.
    Sent again after cancelling, it goes back to the activity's page and changes nothing."""
    access = access_project(request.user, slug, RECORD_ACTIVITIES)
    activity = _activity(access, pk)
    form = CancelForm(posted(request), initial=kept_fields(request))
    if request.method == "POST" and form.is_valid():
        try:
            activities.cancel_activity(
                activity=activity, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Activity cancelled. We are telling those who may come."))
            return redirect(activity)
    return render(
        request,
        "participation/activities/cancel.html",
        access.page_context(nav="activities", form=form, activity=activity),
    )


def _detail_page(
    request: Request,
    access: ProjectAccess,
    activity: Activity,
    *,
    error_form: BaseForm | None = None,
) -> HttpResponse:
    """The activity's page with its forms; `error_form` is a form sent from it that failed,
    shown in its place with what was typed and its messages in the summary at the top."""
    page = reading.activity_page(access, activity, request.user)
    reply_form = error_form if isinstance(error_form, ReplyForm) else None
    adjustment_form = error_form if isinstance(error_form, AdjustmentForm) else None
    failed = error_form if isinstance(error_form, ProvidedForm) else None
    if access.can(CONTRIBUTE) and not activity.has_started() and not activity.is_cancelled:
        reply_form = reply_form or ReplyForm(
            initial={"answer": page.my_reply.answer if page.my_reply else None}
        )
        adjustment_form = adjustment_form or AdjustmentForm(
            initial={"need": page.my_adjustment.need if page.my_adjustment else ""}
        )
    adjustments = (
        [
            (item, (failed if failed and failed.is_for(item) else None) or ProvidedForm(item=item))
            for item in page.adjustments
        ]
        if access.can(VIEW_ACCESS_NEEDS)
        else []
    )
    return render(
        request,
        "participation/activities/detail.html",
        access.page_context(
            nav="activities",
            activity=activity,
            page=page,
            reply_form=reply_form,
            adjustment_form=adjustment_form,
            adjustments=adjustments,
            error_form=error_form,
        ),
    )


@login_required
def activity_detail(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug)
    return _detail_page(request, access, _activity(access, pk))


def _send_from_detail(
    request: Request,
    access: ProjectAccess,
    activity: Activity,
    form: BaseForm,
    change: Callable[[], object],
    done: str,
) -> HttpResponse:
    """For the forms on an activity's page: if `form` is valid make the one `change` and go
    back to the page saying `done`; else show the page with the form and its messages."""
    if form.is_valid():
        try:
            change()
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect(activity)
    return _detail_page(request, access, activity, error_form=form)


@post_only("activities:detail", "slug", "pk")
def activity_reply(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, CONTRIBUTE)
    activity = _activity(access, pk)
    form = ReplyForm(request.POST)
    return _send_from_detail(
        request,
        access,
        activity,
        form,
        lambda: activities.reply(
            activity=activity, user=request.user, answer=form.cleaned_data["answer"]
        ),
        _("Thank you. Your reply is saved."),
    )


@post_only("activities:detail", "slug", "pk")
def activity_adjustment(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, CONTRIBUTE)
    activity = _activity(access, pk)
    form = AdjustmentForm(request.POST)
    return _send_from_detail(
        request,
        access,
        activity,
        form,
        lambda: activities.ask_for_adjustment(
            activity=activity, user=request.user, need=form.cleaned_data["need"]
        ),
        _("Thank you. The co-leads can now see what you need."),
    )


@post_only("activities:detail", "slug", "pk")
def adjustment_provided(request: Request, slug: str, pk: int, adjustment: int) -> HttpResponse:
    access = access_project(request.user, slug, VIEW_ACCESS_NEEDS)
    activity = _activity(access, pk)
    item = get_object_or_404(
        Adjustment.objects.select_related("activity__project", "user"),
        pk=adjustment,
        activity=activity,
    )
    form = ProvidedForm(request.POST, item=item)
    return _send_from_detail(
        request,
        access,
        activity,
        form,
        lambda: activities.record_adjustment(
            adjustment=item, actor=request.user, provided=form.cleaned_data["provided"] == "yes"
        ),
        _("Saved."),
    )


@form_page
def attendance(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, RECORD_ACTIVITIES)
    activity = _activity(access, pk)
    roll = activities.attendance_roll(activity)
    recorded = dict(Attendance.objects.filter(activity=activity).values_list("user_id", "presence"))
    form = AttendanceForm(posted(request), roll=roll, recorded=recorded)
    if request.method == "POST" and form.is_valid():
        try:
            activities.record_attendance(
                activity=activity, actor=request.user, presence=form.presence()
            )
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Attendance saved."))
            return redirect(activity)
    return render(
        request,
        "participation/activities/attendance.html",
        access.page_context(
            nav="activities",
            activity=activity,
            form=form,
            needs_policy=access.can(MANAGE_PAYMENTS) and not money.policy_covers(activity),
        ),
    )


@login_required
def activity_ics(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, VIEW_PROJECT)
    activity = _activity(access, pk)
    response = HttpResponse(
        activity_calendar(activity), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}.ics"'
    return response
