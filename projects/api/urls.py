"""The projects app's API routes, mounted under /api/v1/ by `coproduce.api.urls`."""

from django.urls import URLPattern, path

from . import decisions, events, members, projects

urlpatterns: list[URLPattern] = [
    path("projects/", projects.ProjectList.as_view(), name="projects"),
    path("projects/<slug:slug>/", projects.ProjectDetail.as_view(), name="project"),
    path("projects/<slug:slug>/members/", members.MemberList.as_view(), name="members"),
    path("projects/<slug:slug>/decisions/", decisions.DecisionList.as_view(), name="decisions"),
    path(
        "projects/<slug:slug>/decisions/<int:pk>/",
        decisions.DecisionDetail.as_view(),
        name="decision",
    ),
    path("projects/<slug:slug>/events/", events.EventList.as_view(), name="events"),
]
