"""Evaluation's tables in "Download my data" (registered with participation's my-data code)."""

from __future__ import annotations

from coproduce.models import User
from participation.services.my_data import Table

from ..models import Finding, ItemAnswer, SummaryVersion, SurveyRequest


def tables(user: User) -> dict[str, Table]:
    """The person's survey answers (one row per question answered), the surveys they were
    asked, the findings they recorded and the versions of a team summary they saved. One
    query each."""
    return {
        "survey_answers": (
            ItemAnswer.objects.filter(response__respondent=user).order_by(
                "response__submitted_at", "response__pk", "item__position"
            ),
            {
                "project": "response__project__title",
                "questionnaire": "response__instrument__name",
                "when": "response__moment",
                "stage": "response__stage",
                "question": "item__question",
                "answer": "value",
                "comment": "text",
                "team_may_see_your_name": "response__named",
                "answered": "response__submitted_at",
                "last_changed": "response__changed_at",
            },
        ),
        "survey_requests": (
            SurveyRequest.objects.filter(user=user).order_by("asked_at", "pk"),
            {
                "project": "project__title",
                "questionnaire": "instrument__name",
                "when": "moment",
                "stage": "stage",
                "asked": "asked_at",
                "reminded": "reminded_at",
                "answered": "answered_at",
            },
        ),
        "findings": (
            Finding.objects.filter(author=user).order_by("created_at", "pk"),
            {
                "project": "project__title",
                "title": "title",
                "what_was_found": "found",
                "how_it_was_found": "method",
                "activity": "activity__title",
                "show_my_name": "named",
                "recorded": "created_at",
            },
        ),
        "evaluation_summaries_saved": (
            SummaryVersion.objects.filter(author=user).order_by("saved_at", "pk"),
            {
                "project": "summary__project__title",
                "version": "number",
                "saved": "saved_at",
                "aim": "aim",
                "how_people_took_part": "taking_part",
                "results": "results",
                "what_changed_because_of_lived_experience": "lived_experience",
                "what_we_would_do_differently": "differently",
            },
        ),
    }
