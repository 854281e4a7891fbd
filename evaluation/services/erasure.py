"""Evaluation's part of erasing an account (registered with participation's erasure).

The person's answers stay as figures, so a group's totals do not change: the set of answers
loses its link to the person and is no longer named. A comment they wrote is their own words,
like an idea: it reads "Removed at the person's request" (an empty one stays empty). Their
requests to answer are deleted: they say who was asked, and when.

A finding they recorded is their own words, like an idea: its title and text read "Removed at
the person's request" and it is no longer named, so the report still shows that a finding was
recorded. The team's summary is the project's voice and stays, saved by "Former member".
"""

from __future__ import annotations

from coproduce.models import User
from participation.services.erasure import REMOVED

from ..models import Finding, ItemAnswer, SurveyRequest, SurveyResponse


def erase_person(user: User) -> None:
    """Remove the words of `user`'s survey comments, unlink and unname their survey answers,
    delete their requests to answer and remove the words of their findings (four queries)."""
    removed = str(REMOVED)
    # Before the sets lose their link to the person: afterwards nothing says whose they were.
    ItemAnswer.objects.filter(response__respondent=user).exclude(text="").update(text=removed)
    SurveyResponse.objects.filter(respondent=user).update(respondent=None, named=False)
    SurveyRequest.objects.filter(user=user).delete()
    Finding.objects.filter(author=user).update(title=removed, found=removed, method="", named=False)
