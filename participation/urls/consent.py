"""Routes for consent (namespace "consent"), included at the site root."""

from django.urls import URLPattern, path

from ..views import consent

app_name = "consent"

urlpatterns: list[URLPattern] = [
    path("my/consent/", consent.my_consent, name="mine"),
]
