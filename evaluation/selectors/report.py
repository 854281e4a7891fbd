"""Reading a project's evaluation report: its indicators with their charts, its flags, the
team's summary with every saved version, the findings, and the report's CSV downloads.

Indicators and flags come from `evaluation.indicators.for_projects` and
`evaluation.flags.for_projects`, whatever they hold: a new indicator or flag appears in the
report, its CSV and its PDF without a change here. A cell an indicator leaves empty (None: too
few answers to show, or nothing to count) stays empty everywhere; the table's `blank` says why.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy

from coproduce.spreadsheets import as_text
from participation.models import Consent, Purpose
from projects.models import Project, Stage

from .. import charts
from ..flags import Flag
from ..flags import for_projects as flags_for_projects
from ..indicators import Cell, Indicator
from ..indicators import for_projects as indicators_for_projects
from ..models.report import Finding, SummaryVersion


def cell_text(cell: Cell) -> str | None:
    """A cell as written in a table: None stays None (not shown), a fraction gets one
    decimal place."""
    if cell is None:
        return None
    if isinstance(cell, float | Decimal) and cell != int(cell):
        return f"{cell:.1f}"
    if isinstance(cell, float | Decimal):
        return str(int(cell))
    return str(cell)


@dataclass(frozen=True)
class Shown:
    """One indicator as the report shows it: its rows as text, and its chart (SVG text for
    the page, PNG bytes for the PDF; empty when there is nothing to draw)."""

    indicator: Indicator
    rows: list[list[str | None]]
    svg: str = ""
    png: bytes = b""

    @property
    def has_blanks(self) -> bool:
        return any(cell is None for row in self.rows for cell in row)


@dataclass(frozen=True)
class ShownFinding:
    finding: Finding
    name: str  # the author's name, or "" when it is not shown


@dataclass(frozen=True)
class Report:
    project: Project
    figures: list[Shown]
    flags: list[Flag]
    versions: list[SummaryVersion] = field(default_factory=list)  # latest first
    findings: list[ShownFinding] = field(default_factory=list)

    @property
    def summary(self) -> SummaryVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def flags_with_stages(self) -> list[tuple[Flag, str]]:
        """[(flag, the name of its stage or "")]."""
        return [(flag, stage_name(flag.stage)) for flag in self.flags]


def stage_name(stage: str) -> str:
    """A Stage value as people read it ("" for none)."""
    return str(dict(Stage.choices).get(stage, stage)) if stage else ""


def indicators(project: Project) -> list[Indicator]:
    return indicators_for_projects([project])[project.pk]


def flags(project: Project) -> list[Flag]:
    return flags_for_projects([project])[project.pk]


def shown(indicator: Indicator, *, svg: bool = False, png: bool = False) -> Shown:
    return Shown(
        indicator=indicator,
        rows=[[cell_text(cell) for cell in row] for row in indicator.table.rows],
        svg=charts.svg(indicator) if svg else "",
        png=charts.png(indicator) if png else b"",
    )


def summary_versions(project: Project) -> list[SummaryVersion]:
    """Every saved version of the team's summary, latest first, with who saved it."""
    return list(
        SummaryVersion.objects.filter(summary__project=project)
        .select_related("author")
        .order_by("-number")
    )


def findings(project: Project) -> list[ShownFinding]:
    """The project's findings, newest first. The author's name is shown only when they asked
    for it and their latest decision about being quoted is "given" (withdrawing it hides the
    name from that moment), and never for a deleted account."""
    quoting = Consent.objects.latest_for(Purpose.QUOTING, OuterRef("author")).values("given")[:1]
    rows = (
        Finding.objects.filter(project=project)
        .select_related("author", "activity")
        .annotate(quoting=Subquery(quoting))
    )
    return [
        ShownFinding(
            finding=row,
            name=str(row.author)
            if row.named and row.quoting and row.author and row.author.is_active
            else "",
        )
        for row in rows
    ]


def report(project: Project, *, for_pdf: bool = False) -> Report:
    """Everything the report shows: charts as SVG for the page, or as PNG for the PDF."""
    return Report(
        project=project,
        figures=[shown(i, svg=not for_pdf, png=for_pdf) for i in indicators(project)],
        flags=flags(project),
        versions=summary_versions(project),
        findings=findings(project),
    )


def find_indicator(project: Project, key: str) -> Indicator | None:
    return next((i for i in indicators(project) if i.key == key), None)


def _csv_cell(cell: Cell) -> str:
    """A cell for a spreadsheet: a figure as a figure (-3 stays a number), a figure not shown
    as an empty cell, and text a spreadsheet would run as a formula written as text."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return str(as_text(cell))
    return cell_text(cell) or ""


def _csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return out.getvalue()


def table_csv(indicator: Indicator) -> str:
    """The indicator's table as CSV text: its column names, then its rows. A figure not
    shown is an empty cell, never a 0."""
    return _csv(indicator.table.columns, indicator.table.rows)


FLAG_COLUMNS = (gettext_lazy("Flag"), gettext_lazy("Stage"), gettext_lazy("What it means"))


def flags_csv(raised: Sequence[Flag]) -> str:
    """The flags raised, one row each: what the flag is, its stage (blank when about the
    whole project), and the sentence with the figures."""
    return _csv(
        [str(name) for name in FLAG_COLUMNS],
        ((flag.title, stage_name(flag.stage), flag.explanation) for flag in raised),
    )
