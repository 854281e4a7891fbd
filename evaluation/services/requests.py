"""Asking members to answer the evaluation surveys, and reminding them once.

When a stage ends, every expert by experience and practitioner taking part is asked the
questionnaires asked at the end of a stage (built in: `stage-check`) about the stage that
ended; when the project closes they are also asked those asked at the close (built in:
`impact`). Someone who joins as an expert by experience or practitioner is asked those asked
on joining (`impact`), once per project. Commissioners are never asked: they review the
evaluation, they do not answer it. Nobody who said no to "evaluation surveys" is asked.

The receivers run inside the transaction of the change (the projects app sends its signals
there), so a request and the message that asks commit together with the stage change or the
membership, or not at all. A request's unique key and the outbox's make every step
idempotent: a signal sent twice, a retried task or a double tap asks nobody twice.

The one reminder goes SURVEY_REMINDER_DAYS after the request, through participation's
reminder sweep, only while the survey is unanswered; `reminded_at` makes it once only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from coproduce.models import User
from participation.models import MessageKind, OutboxMessage, surveyable
from participation.services import outbox
from participation.services.notify import user_messages
from participation.services.preferences import preferences_for
from projects.models import VOTING_ROLES, Membership, Project, Stage

from ..models import Instrument, Moment, SurveyRequest


def asked_people(project: Project) -> QuerySet[User]:
    """The members a survey is put to: experts by experience and practitioners taking part
    (an active account, not left), without those who said no to surveys."""
    voting = Membership.objects.voting().filter(project=project)
    return surveyable(User.objects.filter(memberships__in=voting))


def occasion(request: SurveyRequest, *, reminder: bool = False) -> str:
    """The outbox occasion: one request message and one reminder per request, ever."""
    return f"survey:{request.pk}:reminder" if reminder else f"survey:{request.pk}"


def ask(
    *, project: Project, moment: Moment, stage: str, people: QuerySet[User]
) -> list[SurveyRequest]:
    """Ask `people` every questionnaire in use that is asked at `moment`, about `stage`, and
    queue the messages that ask them (each person's own channels). Returns the requests made
    now, the only ones whose messages are queued; a request that already existed (a double
    signal, a retried task) is left as it was, answered or not, and asks nobody again. Call
    inside the transaction of the change that causes it. Ten queries, whatever the number of
    people (the outbox's and its savepoint included); three when nobody new is asked.
    """
    instruments = list(Instrument.objects.asked_at(moment))
    users = list(people.distinct())
    if not instruments or not users:
        return []
    keys = {"project": project, "moment": moment, "stage": stage}
    asked = SurveyRequest.objects.filter(instrument__in=instruments, user__in=users, **keys)
    existing = set(asked.values_list("instrument_id", "user_id"))
    wanted = [
        SurveyRequest(instrument=instrument, user=user, **keys)
        for instrument in instruments
        for user in users
        if (instrument.pk, user.pk) not in existing
    ]
    if not wanted:
        return []
    # The unique key: a request made in between by another process is not made again (its
    # message, if queued twice, is left out by the outbox's own key).
    SurveyRequest.objects.bulk_create(wanted, ignore_conflicts=True)
    made = [
        request
        for request in asked.select_related("user")
        if (request.instrument_id, request.user_id) not in existing
    ]
    choices = preferences_for({user.pk for user in users})
    messages: list[OutboxMessage] = []
    for request in made:
        messages += user_messages(
            kind=MessageKind.SURVEY_REQUEST,
            occasion=occasion(request),
            project=project,
            users=[request.user],
            data={"request": request.pk},
            choices=choices,
        )
    outbox.send_after_commit(outbox.queue(messages))
    return made


def stage_changed(
    sender: type[Project], *, project: Project, from_stage: str, to_stage: str, **kwargs: Any
) -> None:
    """Receiver for `projects.signals.stage_changed`: ask about the stage that ended, and,
    when the project has closed, what taking part changed for each person."""
    people = asked_people(project)
    ask(project=project, moment=Moment.STAGE_END, stage=from_stage, people=people)
    if to_stage == Stage.CLOSED:
        ask(project=project, moment=Moment.CLOSING, stage=Stage.CLOSED, people=people)


def member_joined(sender: type[Membership], *, membership: Membership, **kwargs: Any) -> None:
    """Receiver for `projects.signals.member_joined`: a new expert by experience or
    practitioner is asked the joining questions about the stage the project is in. Someone
    who comes back after leaving, or was asked on joining before, is not asked again."""
    project = membership.project
    if membership.role not in VOTING_ROLES or project.stage == Stage.CLOSED:
        return
    if SurveyRequest.objects.filter(
        project=project, user_id=membership.user_id, moment=Moment.JOINING
    ).exists():
        return
    people = asked_people(project).filter(pk=membership.user_id)
    ask(project=project, moment=Moment.JOINING, stage=project.stage, people=people)


def due_reminders(now: datetime) -> list[OutboxMessage]:
    """Reminder source for participation's sweep: the one reminder for every request still
    unanswered SURVEY_REMINDER_DAYS after it was asked, to people still taking part who have
    not said no to surveys. Marks those requests reminded, inside the sweep's transaction, so
    no later sweep reminds them again. Three queries, whatever the number of requests."""
    after = timedelta(days=settings.SURVEY_REMINDER_DAYS)
    still_taking_part = Membership.objects.voting().filter(
        project_id=OuterRef("project_id"), user_id=OuterRef("user_id")
    )
    due = list(
        surveyable(SurveyRequest.objects.reminder_due(now, after), person="user_id")
        .filter(Exists(still_taking_part), instrument__in_use=True)
        .select_related("user", "project")
    )
    if not due:
        return []
    choices = preferences_for({request.user_id for request in due})
    messages: list[OutboxMessage] = []
    for request in due:
        messages += user_messages(
            kind=MessageKind.SURVEY_REMINDER,
            occasion=occasion(request, reminder=True),
            project=request.project,
            users=[request.user],
            data={"request": request.pk},
            choices=choices,
        )
    SurveyRequest.objects.filter(pk__in=[request.pk for request in due]).update(reminded_at=now)
    return messages
