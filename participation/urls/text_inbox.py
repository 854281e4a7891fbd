"""Routes for the co-leads' "Texts to look at" page, mounted under /projects/ by
coproduce/urls.py (namespace "text_inbox")."""

from django.urls import URLPattern, path

from ..views import text_inbox

app_name = "text_inbox"

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/texts/", text_inbox.texts_to_look_at, name="list"),
    path(
        "<slug:slug>/texts/<int:pk>/dealt-with/",
        text_inbox.mark_dealt_with,
        name="dealt_with",
    ),
]
