"""Routes for a project's ideas and comments, mounted under /projects/ by coproduce/urls.py."""

from django.urls import URLPattern, path

from ..views import contributions

app_name = "contributions"

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/ideas/", contributions.contribution_list, name="list"),
    path(
        "<slug:slug>/ideas/<int:pk>/respond/",
        contributions.contribution_respond,
        name="respond",
    ),
]
