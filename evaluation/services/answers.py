"""Saving one person's answers to one questionnaire, for one project, moment and stage.

Answering again changes the person's one set of answers, never adds a second: the person's
account row is locked first, so two taps on "Save" (or two tabs) run one after the other, and
the second finds the set the first made (the unique key `one_survey_response_per_moment`
backs this up). Saving marks the person's request answered, so no reminder follows.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from coproduce.models import User
from participation.services.consent import lock_person
from projects.models import Membership

from ..models import Instrument, ItemAnswer, Scale, SurveyRequest, SurveyResponse

Answers = dict[str, int | str | None]  # item key -> 1..7, words, or None (skipped)


@transaction.atomic
def take_back_answers(
    *, membership: Membership, instrument: Instrument, moment: str, stage: str
) -> bool:
    """Delete the member's set of answers for this moment, comment and all, as if they had
    never answered; their request waits again (no second reminder: `reminded_at` stays).
    Returns whether there was a set to delete."""
    user: User = membership.user
    lock_person(user)
    at = _moment(membership, instrument, moment, stage)
    deleted, _by_kind = SurveyResponse.objects.filter(**at, respondent=user).delete()
    SurveyRequest.objects.filter(**at, user=user).update(answered_at=None)
    return deleted > 0


def _moment(
    membership: Membership, instrument: Instrument, moment: str, stage: str
) -> dict[str, object]:
    """The fields that name one moment of one questionnaire in the member's project."""
    return {
        "instrument": instrument,
        "project_id": membership.project_id,
        "moment": moment,
        "stage": stage,
    }


@transaction.atomic
def save_answers(
    *,
    membership: Membership,
    instrument: Instrument,
    moment: str,
    stage: str,
    answers: Answers,
    named: bool,
    now: datetime | None = None,
) -> tuple[SurveyResponse, bool]:
    """Save `answers` as the member's set for this moment. Returns the set and whether
    anything changed (False when the same answers were sent again). A question answered
    before and skipped now loses its answer. Raises ValueError for a value off the item's
    scale (the form never sends one)."""
    now = now or timezone.now()
    user: User = membership.user
    lock_person(user)
    response, created = SurveyResponse.objects.get_or_create(
        **_moment(membership, instrument, moment, stage),
        respondent=user,
        defaults={"group": membership.role, "named": named, "submitted_at": now, "changed_at": now},
    )
    changed = created or response.named != named
    held = {answer.item_id: answer for answer in response.answers.all()}
    for item in instrument.items.all():
        given = answers.get(item.key)
        answer = held.get(item.pk)
        if given is None:
            if answer is not None:
                answer.delete()
                changed = True
            continue
        value, text = (None, str(given)) if item.scale == Scale.TEXT else (int(given), "")
        if value is not None and not 1 <= value <= item.size:
            raise ValueError(f"{value} is not on the scale of {item.key}")
        if answer is None:
            ItemAnswer.objects.create(response=response, item=item, value=value, text=text)
            changed = True
        elif (answer.value, answer.text) != (value, text):
            answer.value, answer.text = value, text
            answer.save(update_fields=["value", "text"])
            changed = True
    if changed and not created:
        response.named, response.changed_at = named, now
        response.save(update_fields=["named", "changed_at"])
    SurveyRequest.objects.mark_answered(
        instrument=instrument,
        project_id=membership.project_id,
        moment=moment,
        stage=stage,
        user_id=user.pk,
        at=now,
    )
    return response, changed
