"""The evaluation app's API routes, mounted under /api/v1/ by `coproduce.api.urls`."""

from django.urls import URLPattern, path

from . import indicators

urlpatterns: list[URLPattern] = [
    path("projects/<slug:slug>/indicators/", indicators.Indicators.as_view(), name="indicators"),
    path("projects/<slug:slug>/flags/", indicators.Flags.as_view(), name="flags"),
]
