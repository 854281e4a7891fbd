"""What "My page" shows, in a fixed number of queries whatever the size of the person's record.

Each list shows the latest `LATEST` rows; "Download my data" has them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from coproduce.models import User

from ..models import (
    AccessNeeds,
    Activity,
    Answer,
    Attendance,
    Consent,
    Contribution,
    Expense,
    InvolvementPayment,
    Presence,
    Purpose,
    Reply,
)

LATEST = 20


@dataclass(frozen=True)
class MyPage:
    upcoming: list[Activity]  # each with .my_answer and .my_presence (labels, or "")
    past: list[Activity]
    contributions: list[Contribution]
    payments: list[InvolvementPayment]
    expenses: list[Expense]
    consents: list[tuple[str, bool | None]]  # each purpose: given, withdrawn, or not asked
    has_access_needs: bool


def _mine(user: User, activities: Any) -> list[Activity]:
    rows = list(
        activities.select_related("project").annotate(
            answer=Subquery(
                Reply.objects.filter(activity=OuterRef("pk"), user=user).values("answer")[:1]
            ),
            presence=Subquery(
                Attendance.objects.filter(activity=OuterRef("pk"), user=user).values("presence")[:1]
            ),
        )
    )
    for activity in rows:
        activity.my_answer = Answer(activity.answer).label if activity.answer else ""
        activity.my_presence = Presence(activity.presence).label if activity.presence else ""
    return rows


def my_page(user: User) -> MyPage:
    """The person's activities in their current projects (every upcoming one, the latest past
    ones, and past ones in projects they left if they took part), with their reply and
    attendance; their latest contributions with any response; their latest payments and
    expenses; their consents and whether access needs are stored. Seven queries."""
    current = Consent.objects.current(user.pk)
    now = timezone.now()
    theirs = Activity.objects.filter(
        project__memberships__user=user, project__memberships__left_at__isnull=True
    ) | Activity.objects.filter(attendance__user=user)
    return MyPage(
        upcoming=_mine(user, theirs.distinct().upcoming(now)),
        past=_mine(user, theirs.distinct().past(now)[:LATEST]),
        contributions=list(
            Contribution.objects.filter(author=user)
            .select_related("project", "response")
            .order_by("-created_at", "-pk")[:LATEST]
        ),
        payments=list(
            InvolvementPayment.objects.filter(member=user)
            .select_related("project")
            .order_by("-session_on", "-pk")[:LATEST]
        ),
        expenses=list(
            Expense.objects.filter(member=user)
            .select_related("project")
            .order_by("-spent_on", "-pk")[:LATEST]
        ),
        consents=[(str(purpose.label), current.get(purpose.value)) for purpose in Purpose],
        has_access_needs=AccessNeeds.objects.filter(user=user).exists(),
    )
