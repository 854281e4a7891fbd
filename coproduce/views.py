"""The public home page, and the liveness check. The signed-in home (the dashboard) is in
projects.views.projects."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


def up(request: HttpRequest) -> HttpResponse:
    """The liveness check for a load balancer or process monitor: 200 "ok" while this process
    serves requests. It touches neither the database nor Redis, so a slow database does not
    get healthy web processes restarted; `make bench` uses it as the ceiling."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
