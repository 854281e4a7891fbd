"""The account page where a person makes, sees and revokes their API tokens.

Each view: the signed-in person → form → one service call. A new key is shown once, on the
page the form leads back to, and then only its first characters are ever shown again.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..http import AuthenticatedHttpRequest as Request
from ..http import posted
from ..kept_forms import form_page, kept_fields, post_only
from ..models import ApiToken
from .forms import ApiTokenForm
from .tokens import AlreadyMade, TokenError, make_token, revoke_token

# The new key waits here between the form and the page that shows it, and is removed as
# soon as it has been shown.
NEW_KEY = "coproduce.api.new_key"
# A key not shown within this many seconds (the page after the form was never opened) is not
# shown later: whoever opens the page next may not be at the same screen.
SHOW_KEY_SECONDS = 10 * 60


@form_page
def api_tokens(request: Request) -> HttpResponse:
    user = request.user
    form = ApiTokenForm(posted(request), initial=kept_fields(request) or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = make_token(user=user, **form.cleaned_data)
        except AlreadyMade:
            # A second tap: the first request's answer holds the key (in the session, for
            # the page this leads to), so this one goes to the same page.
            return redirect("api_tokens")
        except TokenError as refusal:
            form.add_error(None, str(refusal))
        else:
            request.session[NEW_KEY] = {"id": token.pk, "key": key, "at": time.time()}
            return redirect("api_tokens")
    new = request.session.pop(NEW_KEY, None)
    if new and time.time() - new.get("at", 0) > SHOW_KEY_SECONDS:
        new = None  # never shown, and too old to show now: the owner revokes it and makes another
    tokens = list(ApiToken.objects.filter(user=user))
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_key": new["key"] if new else "",
            "new_id": new["id"] if new else None,
            "now": timezone.now(),
            "docs_url": reverse("api:docs"),
        },
    )


@post_only("api_tokens")
def api_token_revoke(request: Request, pk: int) -> HttpResponse:
    try:
        token = revoke_token(user=request.user, token_id=pk)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    messages.success(
        request,
        _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name},
    )
    return redirect("api_tokens")
