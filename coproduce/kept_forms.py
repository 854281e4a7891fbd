"""Sign-in for views that take a form, without losing what the person sent.

A session can end while someone is filling in a form (a vote, a response): when they send it
they are asked to sign in again. The address a form posts to only takes POST, so it must never be
where sign-in sends them back. `post_only` sends them back to the page the form was on instead,
and keeps what they had sent (never a password or code) in their session for that page. When
they reach the page again, signed in, `KeptFormMiddleware` tells them to send it again, and the
page fills the form in from `kept_fields(request)`. `form_page` does the same for a page whose
form posts back to itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

P = ParamSpec("P")
R = TypeVar("R", bound=HttpRequest)
View = Callable[Concatenate[R, P], HttpResponse]

SESSION_KEY = "coproduce.kept_forms"
# Never written into a session: secrets, and fields that are only meaningful once.
NOT_KEPT = ("csrfmiddlewaretoken", "password", "token", "code", "secret", "otp")
MAX_FIELDS = 20
MAX_FIELD_LENGTH = 10_000
# A kept form is offered back for this long after it was sent (seconds).
KEEP_SECONDS = 30 * 60
# Which account last signed in on this browser: a kept form goes back only to that account.
LAST_ACCOUNT_COOKIE = "coproduce_last_account"
LAST_ACCOUNT_MAX_AGE = 60 * 60 * 24 * 30
COOKIE_SALT = "coproduce.kept_forms"

SIGNED_OUT = _(
    "You have been signed out, so what you sent has not been saved yet. Sign in again and it "
    "will be waiting for you to send."
)
SEND_AGAIN = _(
    "You were signed out before this was sent, so nothing was saved. Please send it again."
)


def post_only(
    form_page: str, *page_kwargs: str, message: str | Promise = SEND_AGAIN
) -> Callable[[View[R, P]], View[R, P]]:
    """A POST-only view that needs a signed-in person.

    `form_page` is the URL name of the page the form is on, reversed with the view's keyword
    arguments named in `page_kwargs`: a vote posted to /projects/p/gates/3/vote/ sends
    someone signed out to sign in, then back to /projects/p/gates/3/ with their choice kept.
    Opening the address itself (a bookmark, the address bar after a refused form, a reload)
    leads to that page too, rather than to the browser's own blank "405" screen.
    """

    def decorator(view: View[R, P]) -> View[R, P]:
        @wraps(view)
        def wrapper(request: R, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            page = reverse(form_page, kwargs={name: kwargs[name] for name in page_kwargs})
            if not request.user.is_authenticated:
                if request.method == "POST":
                    keep(request, page, message)
                return redirect_to_login(page)
            if request.method != "POST":
                return HttpResponseRedirect(page)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def form_page(view: View[R, P]) -> View[R, P]:
    """A page, for signed-in people, whose form posts back to the page itself.

    Like `login_required`, but a form sent after the session ended is kept for the page, so
    the person finds it filled in again once signed in (see `kept_fields`).
    """

    @wraps(view)
    def wrapper(request: R, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            if request.method == "POST":
                keep(request, request.path, SEND_AGAIN)
                return redirect_to_login(request.path)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def keep(request: HttpRequest, page: str, message: str | Promise) -> None:
    """Keep the non-secret fields of this POST for `page`, with what to tell the person there.

    Only the latest form is kept (a session never grows past one), marked with the account
    last signed in on this browser: a vote kept at a shared computer is given back only to the
    person who sent it, never to the next person who signs in there.
    """
    fields = {
        name: values
        for name, values in list(request.POST.lists())[:MAX_FIELDS]
        if not any(word in name.lower() for word in NOT_KEPT)
        and all(len(value) <= MAX_FIELD_LENGTH for value in values)
    }
    owner = request.get_signed_cookie(
        LAST_ACCOUNT_COOKIE, default="", salt=COOKIE_SALT, max_age=LAST_ACCOUNT_MAX_AGE
    )
    request.session[SESSION_KEY] = {
        page: {"fields": fields, "message": str(message), "owner": owner, "at": time.time()}
    }
    # Said on the sign-in page, so nobody leaves there believing it was sent.
    messages.warning(request, SIGNED_OUT)


def kept_fields(request: HttpRequest) -> dict[str, Any]:
    """What the person had sent from this page before signing in again, as form initial data;
    empty when nothing was kept."""
    fields: dict[str, list[str]] = getattr(request, "_kept_fields", {})
    return {name: values[0] if len(values) == 1 else values for name, values in fields.items()}


class KeptFormMiddleware:
    """On the page a kept form came from, tells the person to send it again (once), and hands
    the kept fields to the view through `kept_fields`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if request.method == "GET" and user.is_authenticated:
            kept = request.session.get(SESSION_KEY)
            if kept and request.path in kept:
                entry = kept.pop(request.path)
                request.session[SESSION_KEY] = kept
                fresh = time.time() - entry.get("at", 0) <= KEEP_SECONDS
                # Anyone else signing in on this browser gets nothing, not even the message.
                if fresh and entry.get("owner") == str(user.pk):
                    request._kept_fields = entry["fields"]  # type: ignore[attr-defined]
                    messages.warning(request, entry["message"])
        response = self.get_response(request)
        if user.is_authenticated:
            last = request.get_signed_cookie(
                LAST_ACCOUNT_COOKIE, default="", salt=COOKIE_SALT, max_age=LAST_ACCOUNT_MAX_AGE
            )
            if last != str(user.pk):
                response.set_signed_cookie(
                    LAST_ACCOUNT_COOKIE,
                    str(user.pk),
                    salt=COOKIE_SALT,
                    max_age=LAST_ACCOUNT_MAX_AGE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
        return response
