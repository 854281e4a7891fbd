"""My page, download my data, delete my account: each only ever about the signed-in person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.http import posted
from coproduce.kept_forms import form_page

from ..forms.my_account import DeleteAccountForm
from ..selectors.my_page import my_page as my_page_rows
from ..services import my_data
from ..services.erasure import ErasureRefused, erase_account, erasure_refusals


@login_required
def my_page(request: Request) -> HttpResponse:
    return render(
        request,
        "participation/my/page.html",
        {"page": my_page_rows(request.user)},
    )


def _attachment(content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = f"my-data-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"  # personal data: never kept by a shared cache
    return response


@login_required
def download_json(request: Request) -> HttpResponse:
    return _attachment(my_data.as_json(request.user), "application/json; charset=utf-8", "json")


@login_required
def download_csv(request: Request) -> HttpResponse:
    return _attachment(my_data.as_csv_zip(request.user), "application/zip", "zip")


@form_page
def delete_account(request: Request) -> HttpResponse:
    user = request.user
    form = DeleteAccountForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            erase_account(user=user)
        except ErasureRefused as error:
            form.add_error(None, str(error))
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. Thank you for taking part."))
            return redirect("home")
    return render(
        request,
        "participation/my/delete.html",
        {"form": form, "refusals": erasure_refusals(user)},
    )
