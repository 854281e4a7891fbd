"""Project pages, mounted at /projects/ by the root URLconf; the gate pages come from gate_urls."""

from django.urls import URLPattern, URLResolver, path

from . import gate_urls, views

app_name = "projects"

urlpatterns: list[URLPattern | URLResolver] = [
    path("new/", views.project_new, name="new"),
    path("<slug:slug>/", views.project_detail, name="detail"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/members/<int:pk>/co-lead/", views.member_co_lead, name="member_co_lead"),
    path("<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/settings/", views.project_settings, name="settings"),
    path("<slug:slug>/history/", views.history, name="history"),
]
urlpatterns += gate_urls.urlpatterns
