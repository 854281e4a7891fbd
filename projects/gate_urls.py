"""Routes for stage gates, included by projects/urls.py (paths start with <slug>/gates/)."""

from django.urls import URLPattern, path

from . import gate_views

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/gates/", gate_views.gate_list, name="gates"),
    path("<slug:slug>/gates/new/", gate_views.gate_new, name="gate_new"),
    path("<slug:slug>/gates/<int:pk>/", gate_views.gate_detail, name="gate"),
    path("<slug:slug>/gates/<int:pk>/edit/", gate_views.gate_edit, name="gate_edit"),
    path("<slug:slug>/gates/<int:pk>/withdraw/", gate_views.gate_withdraw, name="gate_withdraw"),
    path("<slug:slug>/gates/<int:pk>/open/", gate_views.gate_open, name="gate_open"),
    path("<slug:slug>/gates/<int:pk>/vote/", gate_views.gate_vote, name="gate_vote"),
    path("<slug:slug>/gates/<int:pk>/sign-off/", gate_views.gate_signoff, name="gate_signoff"),
    path(
        "<slug:slug>/gates/<int:pk>/objections/<int:vote_pk>/respond/",
        gate_views.objection_respond,
        name="objection_respond",
    ),
]
