"""The evaluation report's downloads (each table and the flags as CSV, the whole report as PDF),
its charts on the page, the small-numbers rule everywhere, and the page's query budget.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from evaluation import flags as flag_sources
from evaluation import indicators as indicator_sources
from evaluation.flags import Flag
from evaluation.indicators import Indicator, Table
from evaluation.models import Moment, SurveyResponse
from evaluation.services import report as services
from participation.models import Purpose
from participation.services.consent import decide
from projects.models import Project, Role, Stage
from tests.evaluation_data import answer_impact, answer_stage_check
from tests.evaluation_helpers import (
    PARTS,
    attended,
    csv_rows,
    pdf_text,
    plan,
    report_url,
)

pytestmark = pytest.mark.django_db

# --- Downloads ---------------------------------------------------------------------------------


def test_each_table_downloads_as_csv_with_its_columns_and_rows(
    client, project, practitioner, expert, expert2, practitioner2
):
    attended(project, practitioner, [expert, expert2, practitioner, practitioner2])
    client.force_login(expert2)
    response = client.get(report_url(project, "table_csv", "attendance"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{project.slug}-attendance.csv"'
    )
    assert csv_rows(response.content) == [
        [
            "Stage",
            "Attendances by experts by experience",
            "All attendances",
            "Share by experts by experience (%)",
        ],
        ["Design", "2", "4", "50"],
        ["Delivery", "0", "0", ""],
        ["Commissioning", "0", "0", ""],
        ["Evaluation", "0", "0", ""],
    ]
    assert client.get(report_url(project, "table_csv", "no-such-table")).status_code == 404


def formula_source(projects: Sequence[Project]) -> dict[int, Indicator]:
    return {
        p.pk: Indicator(
            key="words",
            title="Words",
            summary="Words people chose.",
            table=Table(columns=("=Name", "Count"), rows=(('=HYPERLINK("x")', -3),)),
        )
        for p in projects
    }


def formula_flags(projects: Sequence[Project]) -> dict[int, list[Flag]]:
    return {
        p.pk: [
            Flag(
                key="late-joiners",
                title="@SUM(A1) joined late",
                explanation="Two experts by experience joined after the proposal.",
                stage=Stage.DESIGN,
            )
        ]
        for p in projects
    }


def test_csv_downloads_write_formula_like_text_as_text(client, project, expert, monkeypatch):
    monkeypatch.setattr(indicator_sources, "SOURCES", [formula_source])
    monkeypatch.setattr(flag_sources, "SOURCES", [formula_flags])
    client.force_login(expert)  # a co-lead: the flags are theirs to read
    table = csv_rows(client.get(report_url(project, "table_csv", "words")).content)
    assert table == [["'=Name", "Count"], ['\'=HYPERLINK("x")', "-3"]]
    response = client.get(report_url(project, "flags_csv"))
    assert response["Content-Disposition"] == f'attachment; filename="{project.slug}-flags.csv"'
    assert csv_rows(response.content) == [
        ["Flag", "Stage", "What it means"],
        ["'@SUM(A1) joined late", "Design", "Two experts by experience joined after the proposal."],
    ]


def test_any_flag_a_source_raises_shows_on_the_report_and_in_the_pdf(
    client, project, expert, monkeypatch
):
    monkeypatch.setattr(flag_sources, "SOURCES", [formula_flags])
    client.force_login(expert)  # a co-lead
    html = client.get(report_url(project)).content.decode()
    flags = html.split('id="flags"')[1].split("</section>")[0]
    assert "@SUM(A1) joined late" in flags
    assert "Two experts by experience joined after the proposal." in flags
    assert "Stage: Design" in flags
    assert "Two experts by experience joined after the proposal." in pdf_text(
        client.get(report_url(project, "report_pdf")).content
    )


def test_the_pdf_opens_and_holds_every_table_the_summary_and_the_findings(
    client, project, practitioner, expert, expert2, practitioner2
):
    attended(project, practitioner, [expert, expert2, practitioner])
    services.save_summary(project=project, author=expert, based_on=0, parts=PARTS)
    services.add_finding(
        project=project,
        author=expert2,
        title="Evenings suit Łucja and Nguyễn",
        found="Later is better.",
        method="A group talk",
    )
    client.force_login(practitioner2)
    response = client.get(report_url(project, "report_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{project.slug}-evaluation.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for words in (
        "Housing First in Lambeth",
        "Share of attendance by experts by experience",
        "All attendances",
        "Design 2 3 67",
        "Evaluation 0 0 Not shown",
        "Drop-in hours moved to the evening.",
        "Evenings suit Łucja and Nguyễn",
        "Later is better.",
    ):
        assert words in text, words
    # The chart is in it, as an image.
    reader = PdfReader(io.BytesIO(response.content))
    assert any(page.images for page in reader.pages)


# --- Charts ------------------------------------------------------------------------------------


def test_charts_are_inline_svg_with_a_title_and_description_and_no_inline_style(
    client, project, practitioner, expert, expert2
):
    attended(project, practitioner, [expert, expert2, practitioner])
    client.force_login(expert2)
    response = client.get(report_url(project))
    html = response.content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg, "no chart"
    chart = svg.group(0)
    assert 'role="img"' in chart
    assert '<title id="chart-attendance-title">Share of attendance' in chart
    assert '<desc id="chart-attendance-desc">Experts by experience made up 67%' in chart
    # The page's content security policy allows no inline style: none anywhere on the page.
    assert "style=" not in html and "<style" not in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "an id is used twice"
    assert all(i.startswith("chart-attendance-") for i in re.findall(r' id="([^"]+)"', chart))
    assert "67%" in chart  # the figure is written at the end of its bar, as text


# --- The small-numbers rule --------------------------------------------------------------------


GROUPS = (
    (Role.EXPERT_BY_EXPERIENCE, "Experts by experience"),
    (Role.PRACTITIONER, "Practitioners"),
)


def test_a_group_with_fewer_than_three_answers_shows_no_figures_in_page_csv_or_pdf(
    client, instruments, project, expert, expert2, practitioner, practitioner2, join
):
    """The built-in ladder indicator: two experts by experience answered (6 and 5, an average
    of 5.5 that must not appear anywhere) and three practitioners (2, 3, 4: 3.0)."""
    answer_stage_check(project, expert, rung=6)
    answer_stage_check(project, expert2, rung=5)
    for person, rung in ((practitioner, 2), (practitioner2, 3), (join(project, "practitioner"), 4)):
        answer_stage_check(project, person, rung=rung)
    client.force_login(practitioner)

    html = client.get(report_url(project)).content.decode()
    figure = html.split('id="indicator-ladder"')[1].split("</article>")[0]
    assert 'data-label="Practitioners: average rung (1 to 7)">3</td>' in figure
    assert 'data-label="Experts by experience: average rung (1 to 7)">Not shown</td>' in figure
    assert "Not shown: Fewer than 3 answered" in figure
    # Neither in the table nor as a label at the end of a bar in the chart (its text is text).
    assert not re.search(r">\s*5\.5\s*<", figure)

    table = csv_rows(client.get(report_url(project, "table_csv", "ladder")).content)
    assert table[0] == [
        "Stage",
        "Experts by experience: average rung (1 to 7)",
        "Practitioners: average rung (1 to 7)",
        "Gap in rungs",
    ]
    assert table[1:] == [["Design", "", "3", ""]]  # only the stage anyone answered about

    pdf = pdf_text(client.get(report_url(project, "report_pdf")).content)
    assert "5.5" not in pdf
    assert "Fewer than 3 answered" in pdf

    # A third answer from the experts by experience: now their figure (and the gap) shows.
    answer_stage_check(project, join(project, "expert_by_experience"), rung=4)
    table = csv_rows(client.get(report_url(project, "table_csv", "ladder")).content)
    assert table[1] == ["Design", "5", "3", "2"]


# --- Query budget ------------------------------------------------------------------------------

REPORT_BUDGET = 30


def test_the_report_page_runs_a_fixed_number_of_queries(
    client, project, practitioner, expert, join, django_assert_max_num_queries
):
    client.force_login(expert)
    address = report_url(project)
    # Measured for a co-lead who writes: 29 with nothing written, 30 with the summary,
    # findings and survey comments. 11 of the page's own (session, user, membership,
    # permissions, the summary versions, the findings, the survey comments with their counts,
    # who of those named said no to being quoted (none to ask about when nobody is named),
    # the writer's own quoting decision for the finding form, the activities to choose from)
    # and what the indicators (13) and the flags (6, one per kind) cost, each fixed whatever
    # the size of the project. A member who is not a co-lead or commissioner costs 6 fewer:
    # no flags are looked for.
    with django_assert_max_num_queries(REPORT_BUDGET):
        assert client.get(address).status_code == 200
    people = [join(project, "expert_by_experience") for _n in range(12)]
    attended(project, practitioner, people)
    for number, person in enumerate(people[:6]):
        services.save_summary(
            project=project, author=person, based_on=number, parts={**PARTS, "aim": f"Aim {number}"}
        )
        services.add_finding(
            project=project,
            author=person,
            title=f"Finding {number}",
            found="Found.",
            method="Talks",
            named=number % 2 == 0,
        )
        plan(project, practitioner, starts_at=timezone.now() - timedelta(days=number + 2))
    for number, person in enumerate(people):
        answer_stage_check(project, person, rung=3, comment=f"Comment {number}")
        answer_impact(
            project,
            person,
            Moment.JOINING,
            compassion=3,
            understanding=3,
            confidence=3,
            drive=3,
            comment=f"On joining {number}",
        )
    SurveyResponse.objects.filter(respondent__in=people[:4]).update(named=True)
    decide(user=people[0], choices={Purpose.QUOTING: False})
    with django_assert_max_num_queries(REPORT_BUDGET):
        html = client.get(address).content.decode()
    assert "Comment 11" in html and "On joining 11" in html
    client.force_login(people[1])  # not a co-lead: the flags are not looked for
    with django_assert_max_num_queries(REPORT_BUDGET - len(flag_sources.SOURCES)):
        assert client.get(address).status_code == 200
