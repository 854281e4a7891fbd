"""The commissioner's portfolio: the page and its CSV download.

Only a current commissioner in at least one project sees it; anyone else signed in gets a
page (status 403) saying what the portfolio is and who it is for.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from coproduce.http import AuthenticatedHttpRequest as Request

from ..models import MIN_ANSWERS
from ..selectors import portfolio as selectors


def _not_for_you(request: Request) -> HttpResponse:
    return render(request, "evaluation/portfolio/not_commissioner.html", status=403)


@login_required
def portfolio(request: Request) -> HttpResponse:
    found = selectors.portfolio(
        request.user,
        sort=request.GET.get("sort"),
        order=request.GET.get("order"),
        page=request.GET.get("page"),
    )
    if not found.rows:
        return _not_for_you(request)
    return render(
        request,
        "evaluation/portfolio/portfolio.html",
        {
            "portfolio": found,
            "page": found.page,
            # What the page links keep of the address: the order the projects are in.
            "page_query": urlencode({"sort": found.sort, "order": found.order}) + "&",
            "page_size": selectors.PAGE_SIZE,
            "headings": selectors.headings(found),
            "min_answers": MIN_ANSWERS,
        },
    )


@login_required
def portfolio_csv(request: Request) -> HttpResponse:
    found = selectors.portfolio(
        request.user, sort=request.GET.get("sort"), order=request.GET.get("order"), per_page=0
    )
    if not found.rows:
        return _not_for_you(request)
    response = HttpResponse(selectors.as_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="portfolio.csv"'
    return response
