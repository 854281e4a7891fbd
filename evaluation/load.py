"""Benchmark evaluation for `seed_load`: survey requests at every moment they are asked, and
answers from many of the people asked.

In about two projects in five most people answer, so both groups pass the rule of three
(MIN_ANSWERS) and the report shows figures; elsewhere few answer and it shows none. Rows are
the ones `services.requests.ask` and the survey page would make.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from coproduce.loading import Plan
from projects.load import Loaded, LoadedProject, Member
from projects.models import Stage

from .instruments import ensure_built_in
from .models import Instrument, Item, ItemAnswer, Moment, Scale, SurveyRequest, SurveyResponse

COMMENTS = [
    "We were listened to, and it showed in what changed.",
    "The meetings were at nine in the morning, which is hard for a lot of us.",
    "I speak up in meetings now.",
]


@dataclass(frozen=True)
class Asked:
    loaded: LoadedProject
    member: Member
    moment: Moment
    stage: Stage
    at: datetime


def _asked(projects: list[LoadedProject]) -> list[Asked]:
    """Everyone asked, and when: on joining, when each stage ended, when the project closed."""
    asked: list[Asked] = []
    for lp in projects:
        for m in lp.members:
            if m.votes:
                asked.append(Asked(lp, m, Moment.JOINING, lp.stage_at(m.joined_at), m.joined_at))
        for stage, end in lp.stage_ends.items():
            for m in lp.voters_at(end):
                asked.append(Asked(lp, m, Moment.STAGE_END, stage, end))
        closed = lp.stage_starts.get(Stage.CLOSED)
        if closed is not None:
            for m in lp.voters_at(closed):
                asked.append(Asked(lp, m, Moment.CLOSING, Stage.CLOSED, closed))
    return asked


def _value(plan: Plan, item: Item) -> ItemAnswer | None:
    if item.scale == Scale.TEXT:
        return ItemAnswer(item=item, text=plan.rng.choice(COMMENTS)) if plan.chance(0.15) else None
    low = 3 if item.scale == Scale.LADDER else 2
    return ItemAnswer(item=item, value=plan.rng.randint(low, item.size))


def load(plan: Plan, *, projects: Loaded, **_made: Any) -> list[SurveyResponse]:
    ensure_built_in()
    by_moment = {
        moment: list(Instrument.objects.asked_at(moment).prefetch_related("items"))
        for moment in Moment
    }
    keen = {lp.project.pk: plan.chance(0.4) for lp in projects.projects}
    remind_after = timedelta(days=settings.SURVEY_REMINDER_DAYS)
    requests: list[SurveyRequest] = []
    responses: list[SurveyResponse] = []
    answers: list[ItemAnswer] = []
    for asked in plan.progress(_asked(projects.projects), "survey requests and answers"):
        project = asked.loaded.project
        for instrument in by_moment[asked.moment]:
            request = SurveyRequest(
                instrument=instrument,
                project=project,
                moment=asked.moment,
                stage=asked.stage,
                user=asked.member.user,
                asked_at=asked.at,
            )
            requests.append(request)
            answered = asked.at + timedelta(days=plan.rng.randint(1, 10))
            if answered < plan.now and plan.chance(0.85 if keen[project.pk] else 0.2):
                request.answered_at = answered
                response = SurveyResponse(
                    instrument=instrument,
                    project=project,
                    moment=asked.moment,
                    stage=asked.stage,
                    respondent=asked.member.user,
                    group=asked.member.role,
                    named=plan.chance(0.2),
                    submitted_at=answered,
                    changed_at=answered,
                )
                responses.append(response)
                for item in instrument.items.all():
                    answer = _value(plan, item)
                    if answer is not None:
                        answer.response = response
                        answers.append(answer)
            elif asked.at + remind_after < plan.now:
                request.reminded_at = asked.at + remind_after
    plan.save(SurveyRequest, requests, "survey requests")
    plan.save(SurveyResponse, responses, "survey answers")
    plan.save(ItemAnswer, answers, "answers to questions")
    return responses
