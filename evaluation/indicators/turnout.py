"""Turnout of each group at each decision: of the members who could vote, how many did."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce import dates
from projects.models import Gate, GateStatus, Project, Stage

from .base import Chart, Headline, Indicator, Table, Unit, percent, written


@dataclass(frozen=True)
class Closed:
    """A decision whose vote closed, with the figures stored when it closed (`Gate.results`)."""

    from_stage: str
    to_stage: str
    closed_at: datetime | None
    passed: bool
    results: dict[str, Any]

    def bloc(self, bloc: str, figure: str) -> int | None:
        """A figure stored for a group ("lived" or "learned"), e.g. "votes_cast"; None when
        the decision has no stored results."""
        value = self.results.get(bloc, {}).get(figure)
        return None if value is None else int(value)

    @property
    def name(self) -> str:
        """E.g. "Design to Delivery, 4 December 2026"."""
        name = _("%(from)s to %(to)s") % {
            "from": Stage(self.from_stage).label,
            "to": Stage(self.to_stage).label,
        }
        if self.closed_at is None:
            return name
        return _("%(decision)s, %(day)s") % {"decision": name, "day": dates.day(self.closed_at)}


def closed_decisions(projects: Sequence[Project]) -> dict[int, list[Closed]]:
    """{project id: its decisions whose vote closed, oldest first} (one query). A vote that
    ended as not decided closed too; a withdrawn draft never opened, so it is left out."""
    found: dict[int, list[Closed]] = {project.pk: [] for project in projects}
    rows = (
        Gate.objects.filter(project__in=list(found), status=GateStatus.CLOSED)
        .order_by("closed_at", "pk")
        .values_list("project_id", "from_stage", "to_stage", "closed_at", "passed", "results")
    )
    for project_id, from_stage, to_stage, closed_at, passed, results in rows:
        found[project_id].append(Closed(from_stage, to_stage, closed_at, bool(passed), results))
    return found


def turnout(projects: Sequence[Project]) -> dict[int, Indicator]:
    """Per decision, each group's votes cast (abstentions count) out of those who could vote
    when voting opened. Headline: experts by experience's turnout over every decision."""
    decisions = closed_decisions(projects)
    found: dict[int, Indicator] = {}
    for project in projects:
        rows = []
        totals = {"lived": [0, 0], "learned": [0, 0]}
        for decision in decisions[project.pk]:
            row: list[str | int | None] = [decision.name]
            for bloc in ("lived", "learned"):
                cast = decision.bloc(bloc, "votes_cast")
                could = decision.bloc(bloc, "electorate")
                if cast is not None and could is not None:
                    totals[bloc][0] += cast
                    totals[bloc][1] += could
                row += [cast, could, percent(cast or 0, could or 0) if could else None]
            rows.append(tuple(row))
        lived, learned = (percent(*totals[bloc]) for bloc in ("lived", "learned"))
        if not rows:
            summary = _("No vote has closed yet.")
        else:
            summary = ngettext(
                "In the one decision so far, experts by experience cast %(lived)s of the votes "
                "they could cast, and practitioners %(learned)s.",
                "Across %(count)d decisions, experts by experience cast %(lived)s of the votes "
                "they could cast, and practitioners %(learned)s.",
                len(rows),
            ) % {
                "count": len(rows),
                "lived": written(lived, Unit.PERCENT),
                "learned": written(learned, Unit.PERCENT),
            }
        found[project.pk] = Indicator(
            key="turnout",
            title=_("Turnout of each group at each decision"),
            headline_label=_("Turnout of experts by experience"),
            summary=summary,
            table=Table(
                columns=(
                    _("Decision"),
                    _("Experts by experience who voted"),
                    _("Experts by experience who could vote"),
                    _("Turnout of experts by experience (%)"),
                    _("Practitioners who voted"),
                    _("Practitioners who could vote"),
                    _("Turnout of practitioners (%)"),
                ),
                rows=tuple(rows),
                blank=_("Not recorded for that decision."),
            ),
            chart=Chart(series=(3, 6), unit=Unit.PERCENT, maximum=100),
            headline=Headline(
                value=lived,
                text=written(lived, Unit.PERCENT) if lived is not None else _("No votes yet"),
            ),
        )
    return found
