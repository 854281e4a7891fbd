"""Routes for evaluation's portfolio (see `evaluation.urls`), mounted at /portfolio/."""

from django.urls import URLPattern, path

from ..views import portfolio

app_name = "portfolio"

urlpatterns: list[URLPattern] = [
    path("", portfolio.portfolio, name="portfolio"),
    path("portfolio.csv", portfolio.portfolio_csv, name="csv"),
]
