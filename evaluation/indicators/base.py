"""What an indicator is: a table of figures from the records, a sentence that says what they
show, and how to draw them.

Every indicator is computed for a list of projects at once, with a fixed number of aggregate
queries whatever the number of projects or rows, so a report on one project and a portfolio of
a hundred cost the same number of queries. Python only reshapes the aggregate rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _

from projects.models import Project, Stage

# A table cell. None is a figure not shown; the table's `blank` says why.
Cell = str | int | float | Decimal | None

# The stages a project works through, in order: a closed project has no activity of its own.
WORKING_STAGES: tuple[Stage, ...] = tuple(stage for stage in Stage if stage != Stage.CLOSED)


class Unit(StrEnum):
    PERCENT = "percent"  # 0 to 100
    DAYS = "days"
    COUNT = "count"
    SCORE = "score"  # a point on a questionnaire scale
    RUNG = "rung"  # a step of the ladder of co-production, 1 to 7


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    # What an empty cell (None) means, said under the table: "fewer than 3 answered".
    blank: str = ""


@dataclass(frozen=True)
class Chart:
    """Bars for the columns `series` (indexes into the table's columns), one group of bars
    per row, labelled by the row's first cell."""

    series: tuple[int, ...]
    unit: Unit
    maximum: float | None = None  # the top of the scale, when it has one (100 %, 5 points)


@dataclass(frozen=True)
class Headline:
    """One figure that sums the indicator up, for the commissioner's portfolio."""

    value: float | int | None  # None: nothing to show yet
    text: str  # the figure as written, e.g. "42%" or "Not enough answers"


@dataclass(frozen=True)
class Indicator:
    key: str  # a slug: names the CSV download and the page anchor
    title: str
    summary: str  # a plain sentence or two with the figures behind it
    table: Table
    chart: Chart | None = None
    headline: Headline | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # What the headline figure is, in a few words: the portfolio's column heading, e.g.
    # "Widest gap on the ladder" (the title when empty).
    headline_label: str = ""

    @property
    def column_heading(self) -> str:
        """The heading of this indicator's headline column in the portfolio."""
        return self.headline_label or self.title


# projects -> {project id: indicator}; every project in the list gets one.
IndicatorSource = Callable[[Sequence[Project]], dict[int, Indicator]]


def percent(part: int | float, whole: int | float) -> int | None:
    """`part` as a whole-number percentage of `whole`, or None when `whole` is 0."""
    if not whole:
        return None
    return round(100 * part / whole)


def written(value: Cell, unit: Unit) -> str:
    """A figure as a reader sees it: "42%", "3 days", "4.2"."""
    if value is None:
        return _("Not shown")
    if unit == Unit.PERCENT:
        return _("%(value)s%%") % {"value": value}
    if unit == Unit.DAYS:
        return _("%(value)s days") % {"value": value}
    return str(value)
