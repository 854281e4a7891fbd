"""What taking part changed for people: each group's average impact scores (compassion,
understanding, confidence, drive and energy, 1 to 5) on joining and at the close, each over
whoever answered then, and the change for the people who answered both times (`Change`: the
same people compared, never one set on joining with another at the close). Every figure obeys
the small-numbers rule (`survey`): each average needs 3 answers, the change 3 people who
answered both times."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from evaluation.models import Moment
from projects.models import Project, Role, Stage

from .base import Cell, Chart, Headline, Indicator, Table, Unit
from .survey import IMPACT, IMPACT_ITEMS, NO_PAIRS, NOBODY, averages_and_changes, fewer_than


def impact(projects: Sequence[Project]) -> dict[int, Indicator]:
    """Per question, each group's average on joining and at the close, and the change for
    the people who answered both times. Headline: experts by experience's average change over
    the four questions, when every one of them can be shown."""
    means, changes = averages_and_changes(projects, IMPACT, Moment.JOINING, Moment.CLOSING)
    groups = (Role.EXPERT_BY_EXPERIENCE, Role.PRACTITIONER)
    found: dict[int, Indicator] = {}
    for project in projects:
        rows: list[tuple[Cell, ...]] = []
        lived_changes: list[float | None] = []
        for key, label in IMPACT_ITEMS:
            row: list[Cell] = [str(label)]
            for role in groups:
                joining = means.get((project.pk, Moment.JOINING, "", role, key), NOBODY)
                closing = means.get((project.pk, Moment.CLOSING, "", role, key), NOBODY)
                difference = changes.get((project.pk, role, key), NO_PAIRS).cell
                row += [joining.cell, closing.cell, difference]
                if role == Role.EXPERT_BY_EXPERIENCE:
                    lived_changes.append(difference)
            rows.append(tuple(row))
        if all(value is not None for value in lived_changes):
            average = round(sum(v for v in lived_changes if v is not None) / len(lived_changes), 1)
            summary = _(
                "From joining to the close, the scores of experts by experience who answered "
                "both times changed by %(change)+.1f points on average (on a scale of 1 to 5)."
            ) % {"change": average}
            headline = Headline(value=average, text=_("%(change)+.1f points") % {"change": average})
        elif project.stage != Stage.CLOSED:
            summary = _(
                "The change for experts by experience shows when the project closes, once 3 of "
                "them have answered both on joining and at the close."
            )
            headline = Headline(value=None, text=_("Not closed yet"))
        else:
            summary = _(
                "Not enough answers to show the change for experts by experience: it shows "
                "once 3 of them have answered both on joining and at the close."
            )
            headline = Headline(value=None, text=_("Not enough answers"))
        found[project.pk] = Indicator(
            key="impact",
            title=_("What taking part changed for people"),
            headline_label=_("Change for experts by experience"),
            summary=summary,
            table=Table(
                columns=(
                    _("Question"),
                    _("Experts by experience on joining"),
                    _("Experts by experience at the close"),
                    _("Change for experts by experience who answered both times"),
                    _("Practitioners on joining"),
                    _("Practitioners at the close"),
                    _("Change for practitioners who answered both times"),
                ),
                rows=tuple(rows),
                blank=fewer_than(),
            ),
            chart=Chart(series=(3, 6), unit=Unit.SCORE),
            headline=headline,
        )
    return found
