"""Routes for evaluation's surveys (see `evaluation.urls`), under /projects/."""

from django.urls import URLPattern, path

from ..views import surveys

app_name = "surveys"

SURVEY = "<slug:slug>/surveys/<slug:key>/<slug:moment>/<slug:stage>/"

urlpatterns: list[URLPattern] = [
    path(SURVEY, surveys.answer, name="answer"),
    path(f"{SURVEY}saved/", surveys.saved, name="saved"),
]
