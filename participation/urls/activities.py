"""Routes for a project's activities, mounted under /projects/ by coproduce/urls.py."""

from django.urls import URLPattern, path

from ..views import activities

app_name = "activities"

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/activities/", activities.activity_list, name="list"),
    path("<slug:slug>/activities/new/", activities.activity_new, name="new"),
    path("<slug:slug>/activities/<int:pk>/", activities.activity_detail, name="detail"),
    path("<slug:slug>/activities/<int:pk>/edit/", activities.activity_edit, name="edit"),
    path("<slug:slug>/activities/<int:pk>/cancel/", activities.activity_cancel, name="cancel"),
    path("<slug:slug>/activities/<int:pk>/reply/", activities.activity_reply, name="reply"),
    path(
        "<slug:slug>/activities/<int:pk>/adjustment/",
        activities.activity_adjustment,
        name="adjustment",
    ),
    path(
        "<slug:slug>/activities/<int:pk>/adjustments/<int:adjustment>/",
        activities.adjustment_provided,
        name="provided",
    ),
    path("<slug:slug>/activities/<int:pk>/attendance/", activities.attendance, name="attendance"),
    path("<slug:slug>/activities/<int:pk>/calendar.ics", activities.activity_ics, name="ics"),
]
