"""What the survey request and its reminder say, built from the database when sent.

Registered with participation's message builders from EvaluationConfig.ready(). A message is
skipped (None) when it is no longer wanted: the survey was answered, the person said no to
surveys, the request is gone (an erased account) or the questionnaire is no longer in use.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from coproduce.dates import day
from coproduce.models import User
from coproduce.site import absolute_url as absolute
from participation.messages.compose import Draft
from participation.models import MessageKind, OutboxMessage, surveyable
from projects.models import Stage

from .models import Moment, SurveyRequest


def survey_message(message: OutboxMessage, now: datetime) -> Draft | None:
    request = (
        SurveyRequest.objects.select_related("instrument", "project")
        .filter(pk=message.data.get("request"), answered_at__isnull=True)
        .first()
    )
    if request is None or not request.instrument.in_use:
        return None
    if not surveyable(User.objects.filter(pk=request.user_id)).exists():
        return None
    link = absolute(request.get_absolute_url())
    words = {
        "project": request.project.title,
        "stage": Stage(request.stage).label,
        "link": link,
        "date": day(request.asked_at),
    }
    why = {
        Moment.STAGE_END: _(
            "The %(stage)s stage of %(project)s has ended. Tell us how well experts by "
            "experience and practitioners worked together in it."
        ),
        Moment.JOINING: _(
            "Welcome to %(project)s. Tell us how you feel about taking part now, so that we "
            "can see later what it changed for you."
        ),
        Moment.CLOSING: _("%(project)s has closed. Tell us what taking part changed for you."),
    }[Moment(request.moment)]
    paragraphs = [
        why % words,
        _(
            "It takes a few minutes, and you can skip any question. The project team sees "
            "only totals, never your name, unless you choose to give it with a comment."
        ),
    ]
    reminder = message.kind == MessageKind.SURVEY_REMINDER
    if reminder:
        paragraphs.append(_("We asked you on %(date)s. This is the only reminder we send.") % words)
    return Draft(
        subject=(
            _("Reminder: a few questions about %(project)s")
            if reminder
            else _("A few questions about %(project)s")
        )
        % words,
        paragraphs=paragraphs,
        action_label=_("Answer the questions"),
        action_url=link,
        sms=(
            _("coproduce reminder: a few questions about %(project)s: %(link)s")
            if reminder
            else _("coproduce: a few questions about %(project)s, a few minutes: %(link)s")
        )
        % words,
        reason=_(
            "You get this because you are a member of %(project)s. To get no more surveys, "
            "say no to evaluation surveys on the page where you choose what you agree to."
        )
        % words,
    )
