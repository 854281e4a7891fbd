"""Routes for access needs (namespace "access"), included at the site root."""

from django.urls import URLPattern, path

from ..views import access

app_name = "access"

urlpatterns: list[URLPattern] = [
    path("my/access-needs/", access.my_access_needs, name="mine"),
    path("projects/<slug:slug>/access-needs/", access.project_summary, name="summary"),
]
