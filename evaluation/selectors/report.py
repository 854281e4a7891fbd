"""Reading a project's evaluation report: its indicators with their charts, its flags, the
team's summary with every saved version, the findings, what people wrote in the surveys, and
the report's CSV downloads.

Names follow the site's one quoting rule (participation's `unquotable_ids`): a person who
said no to being quoted is never named here, not as the author of a finding, not as the one
who saved a version of the summary, not with a survey comment, whatever they ticked.

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

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.models import User
from coproduce.spreadsheets import as_text
from participation.models import unquotable_ids
from projects.models import Project, Stage

from .. import charts
from ..flags import Flag
from ..flags import for_projects as flags_for_projects
from ..indicators import Cell, Indicator
from ..indicators import for_projects as indicators_for_projects
from ..indicators.survey import GROUPS, IMPACT, STAGE_CHECK
from ..models import MIN_ANSWERS, ItemAnswer, Moment, SurveyResponse
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
class ShownVersion:
    version: SummaryVersion
    saved_by: str  # who saved it, as the report may name them


@dataclass(frozen=True)
class Comment:
    text: str
    name: str  # who wrote it, or "" when it is not shown (the usual case)


@dataclass(frozen=True)
class Comments:
    """What one group wrote at one moment: at the end of a stage (the stage check), or on
    joining or at the close (the impact survey)."""

    title: str  # "At the end of the Design stage"
    group: str  # "Experts by experience"
    comments: list[Comment]


@dataclass(frozen=True)
class Report:
    project: Project
    figures: list[Shown]
    flags: list[Flag]  # empty, and not looked for, when `flags_shown` is False
    flags_shown: bool = False  # whether the reader sees flags (`evaluation.flags.visible_to`)
    versions: list[ShownVersion] = field(default_factory=list)  # latest first
    findings: list[ShownFinding] = field(default_factory=list)
    comments: list[Comments] = field(default_factory=list)

    @property
    def latest(self) -> ShownVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def summary(self) -> SummaryVersion | None:
        return self.versions[0].version if self.versions else None


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


def saved_by(author: User | None, unquotable: set[int]) -> str:
    """Who saved a version of the summary, as the report names them: their name; "a member of
    the project" when they said no to being quoted (naming them is quoting them); "a former
    member" when their account is deleted."""
    if author is None:
        return _("a former member")
    if author.pk in unquotable:
        return _("a member of the project")
    return str(author)


def findings(project: Project) -> list[Finding]:
    """The project's findings, newest first, with their author and activity."""
    return list(Finding.objects.filter(project=project).select_related("author", "activity"))


def named(person: User | None, asked: bool, unquotable: set[int]) -> str:
    """A person's name where they ticked a box to have it shown (`asked`), or "": not when
    they said no to being quoted (the site's one rule, whatever they ticked; saying no later
    hides it from that moment), and never for a deleted account."""
    if not asked or person is None or not person.is_active or person.pk in unquotable:
        return ""
    return str(person)


def comment_rows(project: Project) -> list[ItemAnswer]:
    """Every comment written in the project's stage checks and impact surveys whose group
    has at least MIN_ANSWERS sets of answers for the same moment (and, for the stage check,
    the same stage), with the set and who answered: one query. The small-numbers rule is the
    one the survey figures follow (`evaluation.indicators.survey`): a comment in a group of
    one or two could be told apart by anyone who knows who answered."""
    sets = (
        SurveyResponse.objects.filter(
            project=OuterRef("response__project"),
            instrument=OuterRef("response__instrument"),
            moment=OuterRef("response__moment"),
            group=OuterRef("response__group"),
        )
        .filter(Q(instrument__key=IMPACT) | Q(stage=OuterRef("response__stage")))
        .order_by()
        .values("project")
        .annotate(sets=Count("pk"))
        .values("sets")
    )
    return list(
        ItemAnswer.objects.filter(
            response__project=project, response__instrument__key__in=[STAGE_CHECK, IMPACT]
        )
        .exclude(text="")
        .annotate(sets=Subquery(sets))
        .filter(sets__gte=MIN_ANSWERS)
        .select_related("response__instrument", "response__respondent")
        .order_by()
    )


def _shuffled(row: ItemAnswer) -> str:
    """A sort key that is the same on every visit but says nothing about when someone
    answered (the order rows were written in would)."""
    return salted_hmac("evaluation.comments", str(row.pk)).hexdigest()


def comments(rows: Sequence[ItemAnswer], unquotable: set[int]) -> list[Comments]:
    """The comments in `rows`, by moment (the stage checks in the order of the stages, then
    on joining, then at the close) and group, each list in a stable order unrelated to time.
    A name is shown only where the person ticked to have it shown and has not said no to
    being quoted."""
    moments: list[tuple[str, str, str]] = [
        (STAGE_CHECK, stage, _("At the end of the %(stage)s stage") % {"stage": label})
        for stage, label in Stage.choices
    ] + [
        (IMPACT, "", _("The impact survey, on joining")),
        (IMPACT, "", _("The impact survey, at the close")),
    ]
    moment_of = {Moment.JOINING: len(Stage.choices), Moment.CLOSING: len(Stage.choices) + 1}
    stage_at = {
        stage: place for place, (key, stage, _title) in enumerate(moments) if key == STAGE_CHECK
    }
    found: dict[tuple[int, str], list[ItemAnswer]] = {}
    for row in rows:
        response = row.response
        if response.instrument.key == IMPACT:
            place = moment_of.get(response.moment)  # type: ignore[call-overload]
        else:
            place = stage_at.get(response.stage)
        if place is not None:
            found.setdefault((place, response.group), []).append(row)
    blocks = []
    for place, (_key, _stage, title) in enumerate(moments):
        for group, group_name in GROUPS:
            written = sorted(found.get((place, group), []), key=_shuffled)
            if written:
                blocks.append(
                    Comments(
                        title=title,
                        group=str(group_name),
                        comments=[
                            Comment(
                                text=row.text,
                                name=named(row.response.respondent, row.response.named, unquotable),
                            )
                            for row in written
                        ],
                    )
                )
    return blocks


def report(project: Project, *, flags_shown: bool, for_pdf: bool = False) -> Report:
    """Everything the report shows: charts as SVG for the page, or as PNG for the PDF. The
    flags only when `flags_shown` (`evaluation.flags.visible_to` the reader)."""
    versions = summary_versions(project)
    written = findings(project)
    said = comment_rows(project)
    people = {v.author_id for v in versions} | {f.author_id for f in written}
    people |= {row.response.respondent_id for row in said if row.response.named}
    unquotable = unquotable_ids({pk for pk in people if pk is not None})
    return Report(
        project=project,
        figures=[shown(i, svg=not for_pdf, png=for_pdf) for i in indicators(project)],
        flags=flags(project) if flags_shown else [],
        flags_shown=flags_shown,
        versions=[ShownVersion(v, saved_by(v.author, unquotable)) for v in versions],
        findings=[
            ShownFinding(finding=f, name=named(f.author, f.named, unquotable)) for f in written
        ],
        comments=comments(said, unquotable),
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
        ((flag.title, flag.stage_name, flag.explanation) for flag in raised),
    )
