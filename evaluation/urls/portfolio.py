"""Routes for evaluation's portfolio (see `evaluation.urls`)."""

from django.urls import URLPattern

app_name = "portfolio"

urlpatterns: list[URLPattern] = []
