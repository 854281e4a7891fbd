"""The API's refusals in the site's plain words, whatever part of Django REST framework
raised them: `{"detail": "..."}` with the status code the standard gives. Django's own 404 and
500 answer the same way under /api/ (an address no endpoint matches, a fault), and with the
site's pages elsewhere."""

from __future__ import annotations

import math
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import defaults
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .pagination import UnknownCursor

API_PATH = "/api/"
NOTHING_HERE = gettext_noop("There is nothing here, or you cannot see it.")


def plain_words(error: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    if request is not None and request.method not in SAFE_METHODS:
        # Whatever else is wrong (a signed-in browser's POST fails the CSRF check first), the
        # answer that helps is that the API only reads.
        error = exceptions.MethodNotAllowed(request.method, _("The API only reads: send GET."))
    if isinstance(error, exceptions.NotAuthenticated):
        plain = exceptions.NotAuthenticated(
            _(
                "Send a token in the Authorization header: “Bearer cpd_…”. You can make one "
                "on your account's API tokens page."
            )
        )
        # REST framework notes on the refusal how to sign in (the `WWW-Authenticate` header
        # a 401 must carry); the plain one carries it on.
        plain.auth_header = getattr(error, "auth_header", None)  # type: ignore[attr-defined]
        error = plain
    elif isinstance(error, exceptions.Throttled):
        seconds = math.ceil(error.wait or 60)  # type: ignore[attr-defined]
        throttled = exceptions.Throttled(
            detail=_("Too many requests. Wait %(seconds)d seconds, then try again.")
            % {"seconds": seconds}
        )
        # Set here rather than given to Throttled, which would add its own sentence about the
        # wait; `Retry-After` gives the same number.
        throttled.wait = seconds  # type: ignore[attr-defined]
        error = throttled
    # Not there and not allowed get the same words; a cursor the API never gave keeps its
    # own, which say what is wrong.
    elif isinstance(error, exceptions.NotFound | Http404) and not isinstance(error, UnknownCursor):
        error = exceptions.NotFound(_(NOTHING_HERE))
    elif isinstance(error, exceptions.MethodNotAllowed):
        error = exceptions.MethodNotAllowed(
            context["request"].method, _("The API only reads: send GET.")
        )
    return exception_handler(error, context)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 (`handler404`), for an address no URL pattern matches."""
    if request.path.startswith(API_PATH):
        return JsonResponse({"detail": _(NOTHING_HERE)}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 (`handler500`)."""
    if request.path.startswith(API_PATH):
        return JsonResponse(
            {
                "detail": _(
                    "Sorry, something went wrong on our side. It is not your fault. Try again "
                    "in a few minutes."
                )
            },
            status=500,
        )
    return defaults.server_error(request)
