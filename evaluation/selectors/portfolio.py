"""A commissioner's portfolio: every project they commission, side by side.

One row per project: its stage, its sign-offs, the headline of each indicator and the flags
raised. Indicators and flags come from `evaluation.indicators` and `evaluation.flags`, so a new
indicator or flag appears here (as a column, or among the flags) without a change to this
module. The whole portfolio costs a fixed number of queries whatever the number of projects:
one for the projects, one for their sign-offs, then what the indicator and flag sources cost
(each a fixed number, see `evaluation.indicators.base`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from coproduce.models import User
from coproduce.spreadsheets import as_text
from projects.dashboard import DashboardSection
from projects.models import Gate, GateStatus, Membership, Project, Role, Stage

from .. import flags as flag_sources
from .. import indicators as indicator_sources
from ..flags import Flag
from ..indicators import Headline

PAGE_SIZE = 20  # projects on one page; the CSV holds them all

ASC, DESC = "asc", "desc"
INDICATOR_PREFIX = "indicator-"
DEFAULT_SORT = "title"
# The columns every portfolio has, in page order; indicator columns follow "signoffs".
FIXED_SORTS = ("title", "stage", "signoffs", "flags")

STAGE_ORDER = {stage.value: index for index, stage in enumerate(Stage)}


@dataclass(frozen=True)
class SignOffs:
    """A project's co-production sign-offs by a commissioner.

    `signed_off`: decisions a commissioner assured. `waiting`: passed decisions waiting for a
    sign-off now. `to_go`: sign-offs the project still needs before it closes (one for each
    stage still to leave that needs one, the one waiting included)."""

    signed_off: int
    waiting: int
    to_go: int

    @property
    def text(self) -> str:
        words = _("%(done)d signed off, %(to_go)d to go") % {
            "done": self.signed_off,
            "to_go": self.to_go,
        }
        if self.waiting:
            words += " " + _("(%(count)d waiting now)") % {"count": self.waiting}
        return words


@dataclass(frozen=True)
class IndicatorColumn:
    key: str  # the indicator's key; the column sorts as "indicator-<key>"
    title: str

    @property
    def sort_key(self) -> str:
        return INDICATOR_PREFIX + self.key


@dataclass(frozen=True)
class PortfolioRow:
    project: Project
    signoffs: SignOffs
    # Each indicator column with this project's headline (None: the indicator has none).
    figures: tuple[tuple[IndicatorColumn, Headline | None], ...]
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class Portfolio:
    """One page of the rows, sorted by `sort` ("title", "stage", "signoffs", "flags" or
    "indicator-<key>") in `order` ("asc" or "desc"); `page` says which page of how many."""

    columns: tuple[IndicatorColumn, ...]
    page: Page[PortfolioRow]
    sort: str
    order: str

    @property
    def rows(self) -> list[PortfolioRow]:
        """The rows on this page, in order."""
        return list(self.page.object_list)

    @property
    def sort_keys(self) -> list[str]:
        return sort_keys(self.columns)


def sort_keys(columns: Sequence[IndicatorColumn]) -> list[str]:
    """Every sort key, in the page's column order: title, stage, sign-offs, each indicator,
    flags."""
    return [*FIXED_SORTS[:3], *(column.sort_key for column in columns), FIXED_SORTS[3]]


def commissioned(user: User) -> QuerySet[Project]:
    """The projects the person is a current commissioner in, by title (one query when read)."""
    project_ids = Membership.objects.active().filter(user=user, role=Role.COMMISSIONER)
    return Project.objects.filter(pk__in=project_ids.values("project_id")).order_by("title", "pk")


def is_commissioner(user: User) -> bool:
    """Whether the person is a current commissioner in at least one project (one query)."""
    return Membership.objects.active().filter(user=user, role=Role.COMMISSIONER).exists()


def signoffs_for(projects: Sequence[Project]) -> dict[int, SignOffs]:
    """{project id: its sign-offs} for these projects (one aggregate query)."""
    counts = {
        row["project_id"]: row
        for row in Gate.objects.filter(project__in=[p.pk for p in projects])
        .order_by()
        .values("project_id")
        .annotate(
            signed_off=Count("pk", filter=Q(signoff__assured=True)),
            waiting=Count(
                "pk",
                filter=Q(
                    status=GateStatus.CLOSED,
                    passed=True,
                    signoff_required=True,
                    signoff__isnull=True,
                ),
            ),
        )
    }
    found = {}
    for project in projects:
        row = counts.get(project.pk, {})
        still_to_leave = [
            stage
            for stage in Stage
            if stage != Stage.CLOSED and STAGE_ORDER[stage] >= STAGE_ORDER[project.stage]
        ]
        found[project.pk] = SignOffs(
            signed_off=row.get("signed_off", 0),
            waiting=row.get("waiting", 0),
            to_go=sum(1 for stage in still_to_leave if project.signoff_required_leaving(stage)),
        )
    return found


def portfolio(
    user: User,
    *,
    sort: str | None = None,
    order: str | None = None,
    page: str | int | None = None,
    per_page: int | None = None,
) -> Portfolio:
    """One page (`page`, the first when missing or typed wrong, the last when past it) of
    `per_page` projects the person commissions (PAGE_SIZE when None; every project when 0),
    sorted by `sort` in `order`. A sort key that is not one of the portfolio's falls back to
    title, A to Z, and an order that is neither "asc" nor "desc" to "asc": a link typed wrong
    still shows the portfolio. No rows when the person commissions nothing.

    Indicators and flags are worked out for the page's projects only when the sort needs
    none of them (title, stage, sign-offs), so the page costs the same at 10 projects or 100;
    sorting by an indicator or by flags needs them for every project."""
    projects = list(commissioned(user))
    signoffs = signoffs_for(projects)
    order = order if order in (ASC, DESC) else ASC
    bare = [PortfolioRow(project, signoffs[project.pk], (), ()) for project in projects]
    size = PAGE_SIZE if per_page is None else per_page or max(len(projects), 1)
    rows: list[PortfolioRow] = []
    if sort is not None and (sort == "flags" or sort.startswith(INDICATOR_PREFIX)):
        columns, rows = _with_figures(bare)
        if sort in sort_keys(columns):
            ordered = _sorted(rows, _sort_value(sort, [c.key for c in columns]), order == DESC)
            return Portfolio(columns, Paginator(ordered, size).get_page(page), sort, order)
    if sort not in FIXED_SORTS:
        sort, order = DEFAULT_SORT, ASC
    ordered = _sorted(rows or bare, _sort_value(sort, []), order == DESC)
    chosen = Paginator(ordered, size).get_page(page)
    if not rows:  # the figures are still to work out, for this page's projects only
        columns, chosen.object_list = _with_figures(list(chosen.object_list))
    return Portfolio(columns, chosen, sort, order)


def _with_figures(
    bare: list[PortfolioRow],
) -> tuple[tuple[IndicatorColumn, ...], list[PortfolioRow]]:
    """The indicator columns, and these rows with their headlines and flags (a fixed number
    of queries, see the module's docstring)."""
    projects = [row.project for row in bare]
    indicators = indicator_sources.for_projects(projects)
    raised = flag_sources.for_projects(projects)
    # A column for each indicator that sums itself up in a headline (a table-only one has none).
    columns: dict[str, IndicatorColumn] = {}
    for found in indicators.values():
        for indicator in found:
            if indicator.headline is not None:
                columns.setdefault(
                    indicator.key, IndicatorColumn(indicator.key, indicator.column_heading)
                )
    rows = []
    for row in bare:
        by_key = {indicator.key: indicator.headline for indicator in indicators[row.project.pk]}
        rows.append(
            PortfolioRow(
                project=row.project,
                signoffs=row.signoffs,
                figures=tuple((column, by_key.get(key)) for key, column in columns.items()),
                flags=tuple(raised[row.project.pk]),
            )
        )
    return tuple(columns.values()), rows


SortValue = Callable[[PortfolioRow], Any]


def _sort_value(sort: str, indicator_keys: list[str]) -> SortValue:
    """What a row is sorted on for `sort`; None is "nothing to show", placed last."""
    if sort == "stage":
        return lambda row: STAGE_ORDER[row.project.stage]
    if sort == "signoffs":
        # Most waiting first when descending, then most still to go.
        return lambda row: (row.signoffs.waiting, row.signoffs.to_go, row.signoffs.signed_off)
    if sort == "flags":
        return lambda row: len(row.flags)
    if sort.startswith(INDICATOR_PREFIX):
        index = indicator_keys.index(sort.removeprefix(INDICATOR_PREFIX))

        def headline_value(row: PortfolioRow) -> Any:
            headline = row.figures[index][1]
            return None if headline is None else headline.value

        return headline_value
    return lambda row: row.project.title.casefold()


def _sorted(rows: list[PortfolioRow], value: SortValue, descending: bool) -> list[PortfolioRow]:
    """Rows by `value`, ties by title; rows whose value is None come last either way."""
    by_title = sorted(rows, key=lambda row: (row.project.title.casefold(), row.project.pk))
    shown = [row for row in by_title if value(row) is not None]
    blank = [row for row in by_title if value(row) is None]
    return sorted(shown, key=value, reverse=descending) + blank


# --- My projects ----------------------------------------------------------------------------


def dashboard_section(user: User) -> DashboardSection | None:
    """My projects: a link to the portfolio, for a commissioner (one query)."""
    if not is_commissioner(user):
        return None
    return DashboardSection("evaluation/portfolio/_dashboard.html")


# --- Column headings that sort ---------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """A column heading: its sort link goes to `next_order`; `aria_sort` ("ascending",
    "descending" or "") says whether the table is sorted by it now."""

    key: str
    title: str
    aria_sort: str
    next_order: str
    order_words: str = ""  # how it is sorted now, e.g. "A to Z"; empty when it is not


def _order_words(key: str, order: str) -> str:
    if key == "title":
        return _("Z to A") if order == DESC else _("A to Z")
    if key == "stage":
        return _("latest stage first") if order == DESC else _("earliest stage first")
    return _("highest first") if order == DESC else _("lowest first")


def headings(result: Portfolio) -> list[Heading]:
    """One heading per column, in page order. Following a heading's link sorts by it,
    ascending first; following it again reverses the order."""
    titles = {
        "title": _("Project"),
        "stage": _("Stage"),
        "signoffs": _("Sign-offs"),
        "flags": _("Flags"),
        **{column.sort_key: column.title for column in result.columns},
    }
    found = []
    for key in result.sort_keys:
        current = key == result.sort
        found.append(
            Heading(
                key=key,
                title=titles[key],
                aria_sort=("ascending" if result.order == ASC else "descending") if current else "",
                next_order=DESC if current and result.order == ASC else ASC,
                order_words=_order_words(key, result.order) if current else "",
            )
        )
    return found


# --- The CSV download -----------------------------------------------------------------------


def csv_header(result: Portfolio) -> list[str]:
    return [
        _("Project"),
        _("Stage"),
        _("Sign-offs"),
        *(column.title for column in result.columns),
        _("Flags"),
        _("What the flags are"),
    ]


def csv_rows(result: Portfolio) -> Iterator[list[str | int]]:
    """The page's columns, one row per project: each indicator as its headline is written
    (so a group's figure hidden on the page, under the small-numbers rule, is hidden here
    too), then the number of flags and their titles."""
    for row in result.rows:
        yield [
            row.project.title,
            str(row.project.get_stage_display()),
            row.signoffs.text,
            *(headline.text if headline else "" for _column, headline in row.figures),
            len(row.flags),
            "; ".join(flag.title for flag in row.flags),
        ]


def as_csv(result: Portfolio) -> str:
    """The portfolio as CSV text, a header row first; a cell a spreadsheet would run as a
    formula (a project called "=SUM(...)") is written as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_header(result))
    for row in csv_rows(result):
        writer.writerow([as_text(cell) for cell in row])
    return out.getvalue()
