"""Objections raised and answered: objections in votes on decisions, and concerns or
objections raised outside a vote, each answered by a recorded response."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participation.models import Contribution, ContributionKind
from projects.models import Project, Role
from projects.responses import member_role, objection_tallies

from .base import WORKING_STAGES, Chart, Headline, Indicator, Table, Unit, percent, written


def raised_and_answered(projects: Sequence[Project]) -> dict[int, dict[tuple[str, str], list[int]]]:
    """{project id: {(stage, role): [raised, answered]}}: objections to closed votes (by the
    stage the decision was to leave) and concerns raised outside a vote (two queries)."""
    ids = [project.pk for project in projects]
    found: dict[int, dict[tuple[str, str], list[int]]] = {
        pk: defaultdict(lambda: [0, 0]) for pk in ids
    }
    concerns = (
        Contribution.objects.filter(project__in=ids, kind=ContributionKind.OBJECTION)
        .annotate(role=member_role("project", "author"))
        .order_by()
        .values_list("project_id", "stage", "role")
        .annotate(total=Count("pk"), answered=Count("response"))
    )
    for source in (objection_tallies(ids), concerns):
        for project_id, stage, role, total, answered in source:
            counts = found[project_id][(stage, role or "")]
            counts[0] += total
            counts[1] += answered
    return found


def objections(projects: Sequence[Project]) -> dict[int, Indicator]:
    """Per stage: objections raised by each group, and how many of all have a response.
    Headline: the share answered over all stages."""
    counts = raised_and_answered(projects)
    found: dict[int, Indicator] = {}
    for project in projects:
        by = counts[project.pk]
        rows = []
        raised_all = answered_all = 0
        for stage in WORKING_STAGES:
            lived = by.get((stage, Role.EXPERT_BY_EXPERIENCE), [0, 0])[0]
            learned = by.get((stage, Role.PRACTITIONER), [0, 0])[0]
            raised = sum(counts[0] for (s, _role), counts in by.items() if s == stage)
            answered = sum(counts[1] for (s, _role), counts in by.items() if s == stage)
            raised_all += raised
            answered_all += answered
            rows.append(
                (str(stage.label), lived, learned, raised, answered, percent(answered, raised))
            )
        share = percent(answered_all, raised_all)
        if raised_all:
            summary = ngettext(
                "%(answered)d of the %(raised)d objection raised has a response.",
                "%(answered)d of the %(raised)d objections raised have a response.",
                raised_all,
            ) % {
                "answered": answered_all,
                "raised": raised_all,
            }
        else:
            summary = _("No objection has been raised.")
        found[project.pk] = Indicator(
            key="objections",
            title=_("Objections raised and answered"),
            headline_label=_("Objections answered"),
            summary=summary,
            table=Table(
                columns=(
                    _("Stage"),
                    _("Raised by experts by experience"),
                    _("Raised by practitioners"),
                    _("Raised by anyone"),
                    _("Answered"),
                    _("Share answered (%)"),
                ),
                rows=tuple(rows),
                blank=_("No objection raised in that stage."),
            ),
            chart=Chart(series=(3, 4), unit=Unit.COUNT),
            headline=Headline(
                value=share,
                text=written(share, Unit.PERCENT) if share is not None else _("None raised"),
            ),
        )
    return found
