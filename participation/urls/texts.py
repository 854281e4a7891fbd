"""The SMS provider's webhook for texts members send in, at /texts/inbound/."""

from django.urls import URLPattern, path

from ..views import texts

app_name = "texts"

urlpatterns: list[URLPattern] = [
    path("texts/inbound/", texts.inbound_text, name="inbound"),
]
