"""What the co-leads' "Texts to look at" page and the project overview read: texts from
members that the service could not act on, not yet dealt with. A fixed number of queries
whatever the number of texts."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

from projects.models import Project

from ..models import InboundText

PAGE_SIZE = 25


def page_to_look_at(project: Project, number: str | None) -> Page[InboundText]:
    """One page of the texts waiting for a person, newest first; an out-of-range page number
    shows the last page. Each comes with its decision, since the page hides the words of a text
    about a decision still open for votes: "NO 012" says how someone voted."""
    texts = InboundText.objects.to_look_at(project.pk).select_related("user", "gate")
    return Paginator(texts.order_by("-received_at", "-pk"), PAGE_SIZE).get_page(number)


def count_to_look_at(project: Project) -> int:
    return InboundText.objects.to_look_at(project.pk).count()
