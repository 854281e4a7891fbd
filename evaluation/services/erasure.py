"""Evaluation's part of erasing an account (registered with participation's erasure).

The person's answers stay as figures, so a group's totals do not change: the set of answers
loses its link to the person, and a comment they had let the team see with their name is no
longer named. Their requests to answer are deleted: they say who was asked, and when.
"""

from __future__ import annotations

from coproduce.models import User

from ..models import SurveyRequest, SurveyResponse


def erase_person(user: User) -> None:
    """Unlink and unname `user`'s survey answers and delete their requests (two queries)."""
    SurveyResponse.objects.filter(respondent=user).update(respondent=None, named=False)
    SurveyRequest.objects.filter(user=user).delete()
