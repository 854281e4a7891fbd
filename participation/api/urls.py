"""The participation app's API routes, mounted under /api/v1/ by `coproduce.api.urls`."""

from django.urls import URLPattern, path

from . import activities

urlpatterns: list[URLPattern] = [
    path("projects/<slug:slug>/activities/", activities.ActivityList.as_view(), name="activities"),
]
