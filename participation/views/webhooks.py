"""A project's webhooks: the list with the form to add one, each webhook's page with its
delivery log and buttons, and deleting one.

Only co-leads: anyone else in the project is refused (403), anyone outside it finds nothing
(404). Each view: access → form → one service call. Once the project is closed the pages can
still be read (the log shows how its last events went) but nothing can be changed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.kept_forms import form_page, kept_fields, post_only
from coproduce.refusals import Refusal
from projects.forms.projects import ConfirmForm
from projects.permissions import CHANGE_PROJECT, VIEW_PROJECT, ProjectAccess, access_project
from projects.services import ProjectError

from ..forms.webhooks import EventsForm, NewSecretForm, SwitchForm, WebhookForm
from ..models import WEBHOOKS_PER_PROJECT, Webhook
from ..selectors import webhooks as reading
from ..services import webhooks

PAGE_SIZE = 30
WHO_MAY = _lazy("Only the project's co-leads manage its webhooks.")


def _reader(request: Request, slug: str) -> ProjectAccess:
    """Co-leads, in a project open or closed."""
    access = access_project(request.user, slug, VIEW_PROJECT)
    if CHANGE_PROJECT not in access.granted:
        raise PermissionDenied(str(WHO_MAY))
    return access


def _changer(request: Request, slug: str) -> ProjectAccess:
    """Co-leads, while the project is open."""
    return access_project(request.user, slug, CHANGE_PROJECT, who_may=WHO_MAY)


def _webhook(access: ProjectAccess, pk: int) -> Webhook:
    return get_object_or_404(Webhook.objects.filter(project=access.project), pk=pk)


# --- The list, and adding one ---------------------------------------------------------------


def _list_page(request: Request, access: ProjectAccess, form: WebhookForm) -> HttpResponse:
    hooks = reading.project_webhooks(access.project)
    return render(
        request,
        "participation/webhooks/list.html",
        access.page_context(
            nav="settings",
            form=form,
            hooks=hooks,
            room=len(hooks) < WEBHOOKS_PER_PROJECT,
            limit=WEBHOOKS_PER_PROJECT,
        ),
    )


@form_page
def webhook_list(request: Request, slug: str) -> HttpResponse:
    if request.method != "POST":
        access = _reader(request, slug)
        return _list_page(request, access, WebhookForm(initial=kept_fields(request)))
    access = _changer(request, slug)
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            hook, added = webhooks.add_webhook(
                project=access.project, actor=request.user, **form.cleaned_data
            )
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            if added:
                messages.success(request, _("Webhook added. Copy its secret now."))
            else:
                messages.info(request, _("This address has a webhook already. Here it is."))
            return redirect("webhooks:detail", slug=slug, pk=hook.pk)
    return _list_page(request, access, form)


# --- One webhook: its page and its buttons ---------------------------------------------------


def _detail_page(
    request: Request,
    access: ProjectAccess,
    hook: Webhook,
    *,
    error_form: BaseForm | None = None,
) -> HttpResponse:
    page = Paginator(reading.deliveries(hook), PAGE_SIZE).get_page(request.GET.get("page"))
    events_form = error_form if isinstance(error_form, EventsForm) else None
    return render(
        request,
        "participation/webhooks/detail.html",
        access.page_context(
            nav="settings",
            hook=hook,
            # Shown to its maker until they have copied it; a closed project sends nothing.
            secret=hook.secret
            if hook.secret_shown_to_id == request.user.pk and not access.project.is_closed
            else "",
            events_form=events_form or EventsForm(initial={"events": hook.events}),
            page=page,
            rows=reading.rows(list(page.object_list)),
            error_form=error_form,
        ),
    )


@form_page
def webhook_detail(request: Request, slug: str, pk: int) -> HttpResponse:
    access = _reader(request, slug)
    return _detail_page(request, access, _webhook(access, pk))


@post_only("webhooks:detail", "slug", "pk")
def webhook_events(request: Request, slug: str, pk: int) -> HttpResponse:
    access = _changer(request, slug)
    hook = _webhook(access, pk)
    form = EventsForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, access, hook, error_form=form)
    try:
        changed = webhooks.change_events(
            webhook=hook, actor=request.user, events=form.cleaned_data["events"]
        )
    except ProjectError as error:
        form.add_error(None, str(error))
        return _detail_page(request, access, hook, error_form=form)
    if changed:
        messages.success(request, _("Saved. The webhook sends the events you chose from now on."))
    else:
        messages.info(request, _("Nothing changed: the webhook sends these events already."))
    return redirect("webhooks:detail", slug=slug, pk=pk)


@post_only("webhooks:detail", "slug", "pk")
def webhook_switch(request: Request, slug: str, pk: int) -> HttpResponse:
    access = _changer(request, slug)
    hook = _webhook(access, pk)
    form = SwitchForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, access, hook, error_form=form)
    active = form.cleaned_data["active"]
    if webhooks.switch(webhook=hook, actor=request.user, active=active):
        messages.success(
            request,
            _("The webhook is on.")
            if active
            else _(
                "The webhook is off. Nothing is sent, and deliveries waiting to be tried "
                "again are cancelled."
            ),
        )
    else:
        messages.info(
            request,
            _("The webhook was on already.") if active else _("The webhook was off already."),
        )
    return redirect("webhooks:detail", slug=slug, pk=pk)


@post_only("webhooks:detail", "slug", "pk")
def webhook_secret(request: Request, slug: str, pk: int) -> HttpResponse:
    access = _changer(request, slug)
    hook = _webhook(access, pk)
    form = NewSecretForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, access, hook, error_form=form)
    if webhooks.make_new_secret(
        webhook=hook, actor=request.user, replacing=form.cleaned_data["replacing"]
    ):
        messages.success(
            request,
            _("A new secret is made. Copy it now: every message from now on is signed with it."),
        )
    else:
        messages.info(request, _("That secret was replaced already. Nothing more was changed."))
    return redirect("webhooks:detail", slug=slug, pk=pk)


@post_only("webhooks:detail", "slug", "pk")
def webhook_copied(request: Request, slug: str, pk: int) -> HttpResponse:
    access = _changer(request, slug)
    hook = _webhook(access, pk)
    if webhooks.secret_copied(webhook=hook, actor=request.user):
        messages.success(request, _("The secret is hidden now. If it is lost, make a new one."))
    else:
        messages.info(request, _("The secret was hidden already."))
    return redirect("webhooks:detail", slug=slug, pk=pk)


@post_only("webhooks:detail", "slug", "pk")
def webhook_ping(request: Request, slug: str, pk: int) -> HttpResponse:
    access = _changer(request, slug)
    hook = _webhook(access, pk)
    try:
        sent = webhooks.send_test(webhook=hook)
    except ProjectError as error:
        return _detail_page(request, access, hook, error_form=Refusal(str(error)))
    if sent:
        messages.success(request, _("A test event is on its way. It is listed below."))
    else:
        messages.info(request, _("A test event went less than a minute ago. Wait a minute."))
    return redirect("webhooks:detail", slug=slug, pk=pk)


@form_page
def webhook_delete(request: Request, slug: str, pk: int) -> HttpResponse:
    """Deleting takes two steps: the link on the webhook's page, then this page's button.
    Pressed again once it is gone, it says so instead of a missing page."""
    access = _changer(request, slug)
    hook = Webhook.objects.filter(project=access.project, pk=pk).first()
    if hook is None:
        messages.info(request, _("That webhook is deleted."))
        return redirect("webhooks:list", slug=slug)
    failed: BaseForm | None = None
    if request.method == "POST":
        failed = ConfirmForm(request.POST)
        if failed.is_valid():
            webhooks.delete_webhook(webhook=hook, actor=request.user)
            messages.success(
                request, _("The webhook to %(host)s is deleted.") % {"host": hook.label}
            )
            return redirect("webhooks:list", slug=slug)
    return render(
        request,
        "participation/webhooks/delete.html",
        access.page_context(nav="settings", hook=hook, error_form=failed),
    )
