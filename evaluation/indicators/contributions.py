"""What each group said in each stage (ideas, comments, concerns, objections to decisions),
and the share that has a recorded response ("you said, we did")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.utils.translation import gettext as _

from projects.models import Project, Role
from projects.responses import tallies

from .base import WORKING_STAGES, Chart, Headline, Indicator, Table, Unit, percent, written


def said_and_answered(projects: Sequence[Project]) -> dict[int, dict[tuple[str, str], list[int]]]:
    """{project id: {(stage, role): [said, answered]}}, counted as the project page counts
    them (`projects.responses.tallies`: one query per source)."""
    found: dict[int, dict[tuple[str, str], list[int]]] = {
        project.pk: defaultdict(lambda: [0, 0]) for project in projects
    }
    for project_id, stage, role, total, answered in tallies([p.pk for p in projects]):
        counts = found[project_id][(stage, role or "")]
        counts[0] += total
        counts[1] += answered
    return found


def contributions(projects: Sequence[Project]) -> dict[int, Indicator]:
    """Per stage, how much each group said and the share answered. Headline: the share of
    what experts by experience said that has a response."""
    counts = said_and_answered(projects)
    found: dict[int, Indicator] = {}
    groups = (Role.EXPERT_BY_EXPERIENCE, Role.PRACTITIONER)
    for project in projects:
        by = counts[project.pk]
        rows = []
        sums = {role: [0, 0] for role in groups}
        for stage in WORKING_STAGES:
            row: list[str | int | None] = [str(stage.label)]
            for role in groups:
                said, answered = by.get((stage, role), [0, 0])
                sums[role][0] += said
                sums[role][1] += answered
                row += [said, percent(answered, said)]
            rows.append(tuple(row))
        lived_said, lived_answered = sums[Role.EXPERT_BY_EXPERIENCE]
        share = percent(lived_answered, lived_said)
        summary = (
            _(
                "Of the ideas, comments, concerns and objections each group raised, experts "
                "by experience had %(lived_answered)d of %(lived)d answered and practitioners "
                "%(learned_answered)d of %(learned)d."
            )
            if lived_said or sums[Role.PRACTITIONER][0]
            else _("Nobody has raised an idea, comment, concern or objection yet.")
        ) % {
            "lived": lived_said,
            "lived_answered": lived_answered,
            "learned": sums[Role.PRACTITIONER][0],
            "learned_answered": sums[Role.PRACTITIONER][1],
        }
        found[project.pk] = Indicator(
            key="contributions",
            title=_("What each group said, and the share answered"),
            headline_label=_("Share of what experts by experience said that was answered"),
            summary=summary,
            table=Table(
                columns=(
                    _("Stage"),
                    _("Said by experts by experience"),
                    _("Experts by experience: share answered (%)"),
                    _("Said by practitioners"),
                    _("Practitioners: share answered (%)"),
                ),
                rows=tuple(rows),
                blank=_("Nothing said by that group in that stage."),
            ),
            chart=Chart(series=(2, 4), unit=Unit.PERCENT, maximum=100),
            headline=Headline(
                value=share,
                text=written(share, Unit.PERCENT) if share is not None else _("Nothing said yet"),
            ),
        )
    return found
