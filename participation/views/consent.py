"""Each person's consent page: give or withdraw consent for each purpose, with the history."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.http import posted
from coproduce.kept_forms import form_page, kept_fields

from ..forms.consent import EXPLAINED, ConsentForm
from ..models import Consent
from ..services import consent


@form_page
def my_consent(request: Request) -> HttpResponse:
    user = request.user
    form = ConsentForm(
        posted(request), current=Consent.objects.current(user.pk), initial=kept_fields(request)
    )
    if request.method == "POST" and form.is_valid():
        changed = consent.decide(user=user, choices=form.choices())
        messages.success(
            request, _("Your choices are saved.") if changed else _("Nothing has changed.")
        )
        return redirect("consent:mine")
    return render(
        request,
        "participation/consent/mine.html",
        {
            "form": form,
            "explained": EXPLAINED,
            "history": Consent.objects.filter(user=user).order_by("-at", "-pk"),
        },
    )
