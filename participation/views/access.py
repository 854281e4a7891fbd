"""Access needs: each member's own page, and the co-leads' summary for a project.

Nobody else sees them: the summary needs `view_access_needs` (co-leads only), so other members
and commissioners get 403 and outsiders 404, through the one access door.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.http import posted
from coproduce.kept_forms import form_page, kept_fields
from projects.permissions import VIEW_ACCESS_NEEDS, access_project

from ..forms.access import AccessNeedsForm
from ..models import AccessNeeds, Purpose, has_consent
from ..services.access import AccessNeedsError, save_access_needs


@form_page
def my_access_needs(request: Request) -> HttpResponse:
    user = request.user
    consented = has_consent(user.pk, Purpose.ACCESS_NEEDS)
    current = AccessNeeds.objects.filter(user=user).first()
    form = AccessNeedsForm(
        posted(request),
        instance=current or AccessNeeds(user=user),
        initial=kept_fields(request),
        consent_given=consented,
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_access_needs(
                user=user, consent_given=form.cleaned_data.get("consent", False), **form.needs()
            )
        except AccessNeedsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your access needs are saved."))
            return redirect("access:mine")
    return render(
        request,
        "participation/access/mine.html",
        {"form": form, "needs": current, "consented": consented},
    )


@login_required
def project_summary(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, VIEW_ACCESS_NEEDS)
    rows = list(AccessNeeds.objects.in_project(access.project.pk))
    return render(
        request,
        "participation/access/summary.html",
        access.page_context(nav="access", rows=rows),
    )
