"""What the co-leads' "Invitations" page reads: the project's invitations a page at a time,
those still unanswered first, and how many are in each state. Three queries whatever the
number of invitations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import F

from projects.models import Project

from ..models import Invitation, InvitationState

PAGE_SIZE = 25


@dataclass(frozen=True)
class InvitationsPage:
    """One page of (invitation, its state) pairs, and the project's count of each state."""

    page: Page[Invitation]
    rows: list[tuple[Invitation, InvitationState]]
    counts: dict[InvitationState, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def invitations_page(project: Project, number: str | int | None, now: datetime) -> InvitationsPage:
    """Page `number` (the nearest page when it is out of range or not a number), PAGE_SIZE
    invitations a page: unanswered ones (waiting, expired, withdrawn) first, then accepted,
    each newest first."""
    invitations = Invitation.objects.filter(project=project)
    ordered = invitations.select_related("invited_by", "accepted_by").order_by(
        F("accepted_at").desc(nulls_first=True), "-sent_at", "-pk"
    )
    page = Paginator(ordered, PAGE_SIZE).get_page(number)
    return InvitationsPage(
        page=page,
        rows=[(invitation, invitation.state(now)) for invitation in page],
        counts=invitations.count_by_state(now),
    )
