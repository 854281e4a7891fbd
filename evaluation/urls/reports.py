"""Routes for evaluation's reports (see `evaluation.urls`)."""

from django.urls import URLPattern

app_name = "reports"

urlpatterns: list[URLPattern] = []
