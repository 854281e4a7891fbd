"""Routes for each person's own page and data (namespace "my"), included at the site root."""

from django.urls import URLPattern, path

from ..views import my

app_name = "my"

urlpatterns: list[URLPattern] = [
    path("my/", my.my_page, name="page"),
    path("my/data.json", my.download_json, name="json"),
    path("my/data.zip", my.download_csv, name="csv"),
    path("my/delete/", my.delete_account, name="delete"),
]
