"""Routes for recording with help, mounted under /projects/ by coproduce/urls.py."""

from django.urls import URLPattern, path

from ..views import assistance

app_name = "assistance"

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/help/", assistance.record, name="record"),
    path("<slug:slug>/help/<int:pk>/", assistance.confirm, name="confirm"),
    path("<slug:slug>/help/<int:pk>/resend/", assistance.resend, name="resend"),
    path("<slug:slug>/help/<int:pk>/cancel/", assistance.cancel, name="cancel"),
]
