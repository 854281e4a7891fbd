"""The survey page and its confirmation: a member answers one questionnaire for one moment.

Only experts by experience and practitioners answer (ANSWER_SURVEYS): commissioners get 403
and outsiders 404 through the one project door; a survey that does not apply to the member
is 404 too.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.http import posted
from coproduce.kept_forms import form_page, kept_fields
from projects.permissions import ANSWER_SURVEYS, access_project

from ..forms.surveys import SurveyForm
from ..models import MIN_ANSWERS
from ..selectors.surveys import survey_page
from ..services.answers import save_answers, take_back_answers


@form_page
def answer(request: Request, slug: str, key: str, moment: str, stage: str) -> HttpResponse:
    access = access_project(request.user, slug, ANSWER_SURVEYS)
    page = survey_page(access, key=key, moment=moment, stage=stage)
    form = SurveyForm(
        # Bound on every POST: a form sent with nothing chosen is a mistake to point out.
        posted(request),
        items=page.items,
        answered_before=page.response is not None,
        initial=kept_fields(request) or page.initial,
    )
    if request.method == "POST" and not page.said_no and form.is_valid():
        if form.takes_everything_back:
            take_back_answers(
                membership=access.membership,
                instrument=page.instrument,
                moment=page.moment,
                stage=page.stage,
            )
            messages.success(
                request, _("Your answers are taken back: nothing of yours is kept for this survey.")
            )
            return redirect("dashboard")
        save_answers(
            membership=access.membership,
            instrument=page.instrument,
            moment=page.moment,
            stage=page.stage,
            answers=form.answers(),
            named=form.named,
        )
        return redirect("surveys:saved", slug=slug, key=key, moment=moment, stage=stage)
    context = access.page_context(page=page, form=form, min_answers=MIN_ANSWERS)
    return render(request, "evaluation/surveys/answer.html", context)


@login_required
def saved(request: Request, slug: str, key: str, moment: str, stage: str) -> HttpResponse:
    access = access_project(request.user, slug, ANSWER_SURVEYS)
    page = survey_page(access, key=key, moment=moment, stage=stage)
    if page.response is None:
        raise Http404
    context = access.page_context(page=page, min_answers=MIN_ANSWERS)
    return render(request, "evaluation/surveys/saved.html", context)
