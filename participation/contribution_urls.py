"""Routes for a project's ideas and comments, mounted under /projects/ by coproduce/urls.py."""

from django.urls import URLPattern, path

from . import contribution_views

app_name = "contributions"

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/ideas/", contribution_views.contribution_list, name="list"),
    path(
        "<slug:slug>/ideas/<int:pk>/respond/",
        contribution_views.contribution_respond,
        name="respond",
    ),
]
