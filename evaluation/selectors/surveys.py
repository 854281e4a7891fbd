"""What the survey pages and the dashboard show, in a fixed number of queries.

A member may open a survey they were asked, one they already answered, and the ones that
apply to them without a request: the end of a stage, and the close of a project, that came
while they were a member (someone who was there but whose request is missing can still
answer). Someone who joined later was not there: for them, as for anything else, the survey
is "not found", as a page that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from coproduce.models import User
from participation.models import Consent, Purpose, surveyable
from projects.dashboard import DashboardSection
from projects.models import Event, EventKind, Membership, Stage
from projects.permissions import ProjectAccess
from projects.selectors.projects import Shown

from ..models import Instrument, Item, Moment, Scale, SurveyRequest, SurveyResponse

STAGES = list(Stage)


@dataclass(frozen=True)
class SurveyPage:
    instrument: Instrument
    items: list[Item]
    moment: Moment
    stage: Stage
    request: SurveyRequest | None
    response: SurveyResponse | None
    said_no: bool  # the person said no to evaluation surveys
    initial: dict[str, Any] = field(default_factory=dict)


def _applies_unasked(access: ProjectAccess, moment: Moment, stage: Stage) -> bool:
    """Whether this member may answer about `stage` at `moment` without a request: only for
    the end of a stage, or the close, that came while they were a member (they joined before
    it). Answers from someone who was not there would be counted in a stage they never saw.
    One query, or none when the moment or stage cannot apply."""
    project_stage = Stage(access.project.stage)
    if moment == Moment.STAGE_END:
        if stage == Stage.CLOSED or STAGES.index(stage) >= STAGES.index(project_stage):
            return False
        ended_by = STAGES[STAGES.index(stage) + 1]  # stages only move on, one at a time
    elif moment == Moment.CLOSING:
        if project_stage != Stage.CLOSED or stage != Stage.CLOSED:
            return False
        ended_by = Stage.CLOSED
    else:
        return False
    # The project's history records when it moved on; a member who joined after that was not
    # there. No record (a project moved on outside the site's services): nobody unasked.
    return Event.objects.filter(
        project=access.project,
        kind=EventKind.STAGE_CHANGED,
        data__to=str(ended_by),
        at__gte=access.membership.joined_at,
    ).exists()


def survey_page(access: ProjectAccess, *, key: str, moment: str, stage: str) -> SurveyPage:
    """The questionnaire `key` for this member, moment and stage, with their request and
    earlier answers. Raises Http404 when the questionnaire, moment or stage does not exist,
    or the survey does not apply to this member. Five queries, six when the member was not
    asked it."""
    if moment not in Moment.values or stage not in Stage.values:
        raise Http404
    instrument = (
        Instrument.objects.in_use()
        .prefetch_related(Prefetch("items", Item.objects.order_by("position")))
        .filter(key=key)
        .first()
    )
    if instrument is None or moment not in instrument.moments:
        raise Http404
    user_id = access.membership.user_id
    keys = {
        "instrument": instrument,
        "project": access.project,
        "moment": moment,
        "stage": stage,
    }
    request = SurveyRequest.objects.filter(user_id=user_id, **keys).first()
    response = (
        SurveyResponse.objects.prefetch_related("answers")
        .filter(respondent_id=user_id, **keys)
        .first()
    )
    if (request, response) == (None, None) and not _applies_unasked(
        access, Moment(moment), Stage(stage)
    ):
        raise Http404
    said_no = (
        Consent.objects.latest_for(Purpose.SURVEYS, user_id).values_list("given", flat=True).first()
        is False
    )
    items = list(instrument.items.all())
    return SurveyPage(
        instrument=instrument,
        items=items,
        moment=Moment(moment),
        stage=Stage(stage),
        request=request,
        response=response,
        said_no=said_no,
        initial=_initial(items, response),
    )


def _initial(items: list[Item], response: SurveyResponse | None) -> dict[str, Any]:
    """The earlier answers, as the form's starting values."""
    if response is None:
        return {}
    held = {answer.item_id: answer for answer in response.answers.all()}
    initial: dict[str, Any] = {"named": response.named}
    for item in items:
        answer = held.get(item.pk)
        if answer is not None:
            initial[item.key] = answer.text if item.scale == Scale.TEXT else str(answer.value)
    return initial


def waiting_for(user: User) -> QuerySet[SurveyRequest]:
    """The person's unanswered surveys in projects they still take part in with a role that
    answers, newest first; none if they said no to surveys."""
    taking_part = Membership.objects.voting().filter(
        project_id=OuterRef("project_id"), user_id=OuterRef("user_id")
    )
    return (
        surveyable(SurveyRequest.objects.waiting().filter(user=user), person="user_id")
        .filter(Exists(taking_part), instrument__in_use=True)
        .select_related("instrument", "project")
        .order_by("-asked_at", "-pk")
    )


# My projects lists this many surveys, newest first, and says how many more wait.
SURVEYS_SHOWN = 10


def dashboard_section(user: User) -> DashboardSection | None:
    """My projects: "Surveys waiting for you", when there are any (one query): the newest
    SURVEYS_SHOWN and how many more, so someone in dozens of projects gets a short page."""
    waiting = Shown.first_of(waiting_for(user), SURVEYS_SHOWN)
    if not waiting.items:
        return None
    return DashboardSection("evaluation/surveys/_dashboard.html", {"waiting": waiting})
