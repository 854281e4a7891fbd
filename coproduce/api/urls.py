"""/api/v1/: each app's endpoints, the OpenAPI schema and its documentation page.

Mounted by the root URLconf. The apps' routes are included here rather than the other way
round, so that one place lists the whole API and its version.
"""

from django.urls import URLPattern, URLResolver, include, path

from . import docs, views

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ApiRoot.as_view(), name="root"),
    path("schema/", views.Schema.as_view(), name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    path("", include("projects.api.urls")),
    path("", include("participation.api.urls")),
    path("", include("evaluation.api.urls")),
]
