"""Each person's notification choices, and the one-click unsubscribe link in every email."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from coproduce.http import posted
from coproduce.models import User

from ..forms.notifications import PreferencesForm
from ..models import NotificationPreference
from ..services.preferences import PreferenceError, unsubscribe, update_preferences
from ..tokens import read_unsubscribe_token


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    current = NotificationPreference.objects.filter(user=user).first()
    form = PreferencesForm(
        posted(request),
        instance=current or NotificationPreference(user=user),
        initial={"phone": user.phone},
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_preferences(
                user=user,
                channel=form.cleaned_data["channel"],
                phone=form.cleaned_data["phone"],
                topics=form.topics(),
            )
        except PreferenceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your choices are saved."))
            return redirect("participation:preferences")
    return render(request, "participation/preferences.html", {"form": form})


# Mail programs send the RFC 8058 one-click POST without a CSRF token; the signed token in
# the address is what authorises it, and all it can do is switch one topic off.
@csrf_exempt
def unsubscribe_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation; POST (a person's button or a mail program) switches off."""
    wanted = read_unsubscribe_token(token)
    if wanted is None:
        return render(request, "participation/unsubscribe.html", {"invalid": True}, status=404)
    context = {"topic": wanted.topic}
    if request.method == "POST":
        user = unsubscribe(user_id=wanted.user_id, topic=wanted.topic)
        if user is None:
            return render(request, "participation/unsubscribe.html", {"invalid": True}, status=404)
        return render(request, "participation/unsubscribe.html", {**context, "done": True})
    return render(request, "participation/unsubscribe.html", context)
