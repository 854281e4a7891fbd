"""Routes for evaluation's surveys (see `evaluation.urls`)."""

from django.urls import URLPattern

app_name = "surveys"

urlpatterns: list[URLPattern] = []
