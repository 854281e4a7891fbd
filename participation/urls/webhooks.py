"""Routes for a project's webhooks, mounted under /projects/ by coproduce/urls.py."""

from django.urls import URLPattern, path

from ..views import webhooks

app_name = "webhooks"

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/webhooks/", webhooks.webhook_list, name="list"),
    path("<slug:slug>/webhooks/<int:pk>/", webhooks.webhook_detail, name="detail"),
    path("<slug:slug>/webhooks/<int:pk>/events/", webhooks.webhook_events, name="events"),
    path("<slug:slug>/webhooks/<int:pk>/switch/", webhooks.webhook_switch, name="switch"),
    path("<slug:slug>/webhooks/<int:pk>/secret/", webhooks.webhook_secret, name="secret"),
    path("<slug:slug>/webhooks/<int:pk>/copied/", webhooks.webhook_copied, name="copied"),
    path("<slug:slug>/webhooks/<int:pk>/test/", webhooks.webhook_ping, name="ping"),
    path("<slug:slug>/webhooks/<int:pk>/delete/", webhooks.webhook_delete, name="delete"),
]
