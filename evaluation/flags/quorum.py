"""A decision passed with experts by experience's turnout at the bare quorum: one vote
fewer from them and it would not have been decided."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluation.indicators.turnout import closed_decisions
from projects.models import Project, Stage

from .base import Flag


def bare_quorum(projects: Sequence[Project]) -> dict[int, list[Flag]]:
    """A flag for each passed decision at which the votes experts by experience cast
    (abstentions count) equalled the quorum needed from them, as stored when the vote
    closed (one query, shared with the turnout indicator)."""
    decisions = closed_decisions(projects)
    found: dict[int, list[Flag]] = {}
    for project in projects:
        for decision in decisions[project.pk]:
            cast = decision.bloc("lived", "votes_cast")
            needed = decision.bloc("lived", "quorum_needed")
            if not decision.passed or cast is None or cast != needed:
                continue
            found.setdefault(project.pk, []).append(
                Flag(
                    key="bare-quorum",
                    title=_("A decision passed with the fewest votes from experts by experience"),
                    explanation=ngettext(
                        "The decision to move from %(from)s to %(to)s passed with %(cast)d vote "
                        "from experts by experience out of %(could)d who could vote: just "
                        "enough for the vote to count.",
                        "The decision to move from %(from)s to %(to)s passed with %(cast)d votes "
                        "from experts by experience out of %(could)d who could vote: just "
                        "enough for the vote to count.",
                        cast,
                    )
                    % {
                        "from": Stage(decision.from_stage).label,
                        "to": Stage(decision.to_stage).label,
                        "cast": cast,
                        "could": decision.bloc("lived", "electorate") or 0,
                    },
                    stage=decision.from_stage,
                )
            )
    return found
