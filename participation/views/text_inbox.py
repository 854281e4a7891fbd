"""The co-leads' "Texts to look at" page: texts from members that the service could not act
on, so that no one's voice is silently dropped. Each view: access, then one call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.kept_forms import post_only
from projects.permissions import MANAGE_MEMBERS, access_project

from ..models import InboundText
from ..selectors import text_inbox as reading
from ..services import text_inbox

WHO_READS_TEXTS = gettext_lazy("Only the project's co-leads read the texts people sent to it.")


@login_required
def texts_to_look_at(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, MANAGE_MEMBERS, who_may=WHO_READS_TEXTS)
    page = reading.page_to_look_at(access.project, request.GET.get("page"))
    return render(
        request, "participation/text_inbox/list.html", access.page_context(nav="", page=page)
    )


@post_only("text_inbox:list", "slug")
def mark_dealt_with(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, MANAGE_MEMBERS, who_may=WHO_READS_TEXTS)
    # Any text shown in this project, dealt with or not, so that a second tap finds it.
    text = get_object_or_404(InboundText.objects.filter(projects=access.project), pk=pk)
    if text_inbox.mark_dealt_with(text=text, actor=request.user):
        messages.success(request, _("Marked as dealt with. It is no longer on this list."))
    else:
        messages.success(request, _("This text was already marked as dealt with."))
    return redirect("text_inbox:list", slug=slug)
