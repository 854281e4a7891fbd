"""Project and stage gate pages, mounted at /projects/ by the root URLconf."""

from django.urls import URLPattern, path

from .views import gates, projects

app_name = "projects"

urlpatterns: list[URLPattern] = [
    path("new/", projects.project_new, name="new"),
    path("<slug:slug>/", projects.project_detail, name="detail"),
    path("<slug:slug>/members/", projects.members, name="members"),
    path("<slug:slug>/members/<int:pk>/role/", projects.member_role, name="member_role"),
    path("<slug:slug>/members/<int:pk>/co-lead/", projects.member_co_lead, name="member_co_lead"),
    path("<slug:slug>/members/<int:pk>/remove/", projects.member_remove, name="member_remove"),
    path("<slug:slug>/leave/", projects.leave, name="leave"),
    path("<slug:slug>/settings/", projects.project_settings, name="settings"),
    path("<slug:slug>/history/", projects.history, name="history"),
    path("<slug:slug>/history/record.csv", projects.history_csv, name="history_csv"),
    path("<slug:slug>/gates/", gates.gate_list, name="gates"),
    path("<slug:slug>/gates/new/", gates.gate_new, name="gate_new"),
    path("<slug:slug>/gates/<int:pk>/", gates.gate_detail, name="gate"),
    path("<slug:slug>/gates/<int:pk>/easy-read/", gates.gate_easy_read, name="gate_easy_read"),
    path("<slug:slug>/gates/<int:pk>/edit/", gates.gate_edit, name="gate_edit"),
    path("<slug:slug>/gates/<int:pk>/withdraw/", gates.gate_withdraw, name="gate_withdraw"),
    path("<slug:slug>/gates/<int:pk>/open/", gates.gate_open, name="gate_open"),
    path("<slug:slug>/gates/<int:pk>/vote/", gates.gate_vote, name="gate_vote"),
    path(
        "<slug:slug>/gates/<int:pk>/vote/withdraw/",
        gates.gate_vote_withdraw,
        name="gate_vote_withdraw",
    ),
    path("<slug:slug>/gates/<int:pk>/sign-off/", gates.gate_signoff, name="gate_signoff"),
    path(
        "<slug:slug>/gates/<int:pk>/objections/<int:vote_pk>/respond/",
        gates.objection_respond,
        name="objection_respond",
    ),
]
