"""The commissioner's portfolio: who sees it, what each column shows, sorting, the CSV download,
pages, and a query count that does not grow with the number of projects.

Most tests put their own indicator and flag sources in place of the real ones (`fake_sources`),
so the figures are known and the tests keep holding as indicators and flags are added; the
query budget runs with the real sources.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import flags, indicators
from evaluation.flags import Flag
from evaluation.indicators import Headline, Indicator, Table
from evaluation.selectors import portfolio as selectors
from projects import services
from projects.models import Project, Role, SignOff, Stage
from tests.gate_helpers import closed_gate

pytestmark = pytest.mark.django_db

PORTFOLIO = reverse("portfolio:portfolio")
CSV = reverse("portfolio:csv")
# session (none when sessions are read from Redis, as in CI), user, the commissioner's
# projects, their sign-offs; the indicator and flag sources add their own fixed number
# (measured in the test, as other sources are added).
PORTFOLIO_BASE_BUDGET = 3 + (settings.SESSION_ENGINE == "django.contrib.sessions.backends.db")

# title -> (share, flags); "Cedar" has no figure yet.
FIGURES: dict[str, tuple[int | None, int]] = {
    "Birch": (80, 0),
    "Alder": (30, 2),
    "Cedar": (None, 1),
}


def fake_share(projects: Sequence[Project]) -> dict[int, Indicator]:
    found = {}
    for project in projects:
        value = FIGURES.get(project.title, (None, 0))[0]
        found[project.pk] = Indicator(
            key="share",
            title="Share by experts by experience",
            summary="",
            table=Table(columns=(), rows=()),
            headline=Headline(value, f"{value}%" if value is not None else "None yet"),
        )
    return found


def fake_flags(projects: Sequence[Project]) -> dict[int, list[Flag]]:
    return {
        project.pk: [
            Flag(key=f"flag-{n}", title=f"Flag number {n}", explanation="")
            for n in range(FIGURES.get(project.title, (None, 0))[1])
        ]
        for project in projects
    }


def table_only(projects: Sequence[Project]) -> dict[int, Indicator]:
    """An indicator without a headline: it has no column in the portfolio."""
    table = Table(columns=("Stage",), rows=())
    return {
        p.pk: Indicator(key="table", title="Only a table", summary="", table=table)
        for p in projects
    }


@pytest.fixture
def fake_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indicators, "SOURCES", [fake_share, table_only])
    monkeypatch.setattr(flags, "SOURCES", [fake_flags])


@pytest.fixture
def three(commissioner, practitioner, project_factory) -> dict[str, Project]:
    """Alder (design), Birch (commissioning), Cedar (delivery), all commissioned by
    `commissioner`; Birch has one sign-off done and one waiting."""
    made = {}
    for title, stage in (
        ("Birch", Stage.COMMISSIONING),
        ("Alder", Stage.DESIGN),
        ("Cedar", Stage.DELIVERY),
    ):
        project = project_factory(title=title, created_by=practitioner)
        services.add_member(
            project=project, user=commissioner, role=Role.COMMISSIONER, actor=practitioner
        )
        if stage != Stage.DESIGN:
            services.change_stage(project=project, to=stage, actor=practitioner, reason="test")
        made[title] = project
    birch = made["Birch"]
    done = closed_gate(birch, passed=True, signoff_required=True)
    SignOff.objects.create(gate=done, commissioner=commissioner, assured=True, reasons="Fine.")
    closed_gate(birch, passed=True, signoff_required=True)
    return made


def titles_in(html: str) -> list[str]:
    body = html[html.index("<tbody>") :]
    found = [(body.index(f">{t}</a>"), t) for t in FIGURES if f">{t}</a>" in body]
    return [title for _at, title in sorted(found)]


# --- Who may see it -------------------------------------------------------------------------


def test_the_portfolio_asks_a_visitor_to_sign_in(client: Client):
    response = client.get(PORTFOLIO)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["outsider", "expert", "practitioner"])
def test_someone_who_commissions_nothing_is_told_what_the_portfolio_is_for(
    client: Client, project, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    for address in (PORTFOLIO, CSV):
        response = client.get(address)
        assert response.status_code == 403
        html = response.content.decode()
        assert "The portfolio is for commissioners" in html
        assert "You are not a commissioner in any project" in html
        assert project.title not in html


def test_a_commissioner_who_left_sees_no_portfolio(client: Client, project, commissioner):
    services.leave_project(membership=commissioner.memberships.get(project=project))
    client.force_login(commissioner)
    assert client.get(PORTFOLIO).status_code == 403


def test_the_portfolio_shows_only_projects_i_commission(
    client: Client, fake_sources, three, commissioner, practitioner, project_factory
):
    member_only = project_factory(title="Not commissioned by me", created_by=practitioner)
    services.add_member(
        project=member_only, user=commissioner, role=Role.PRACTITIONER, actor=practitioner
    )
    project_factory(title="Someone else's", created_by=practitioner)
    client.force_login(commissioner)
    html = client.get(PORTFOLIO).content.decode()
    assert titles_in(html) == ["Alder", "Birch", "Cedar"]
    assert "Not commissioned by me" not in html
    assert "Someone else&#x27;s" not in html


# --- What each row shows --------------------------------------------------------------------


def test_each_row_shows_stage_signoffs_headlines_and_flags(
    client: Client, fake_sources, three, commissioner
):
    client.force_login(commissioner)
    html = client.get(PORTFOLIO).content.decode()
    assert f'href="{three["Birch"].get_absolute_url()}"' in html
    assert "Share by experts by experience" in html
    # Birch: leaving commissioning needs a sign-off, and one is waiting; one was assured.
    assert "1 signed off, 1 to go (1 waiting now)" in html
    # Alder, in design: only leaving commissioning needs a sign-off.
    assert "0 signed off, 1 to go" in html
    assert "80%" in html and "30%" in html and "None yet" in html
    assert "Flag number 0</li><li>Flag number 1</li>" in html
    assert "Only a table" not in html


def test_signoffs_to_go_count_every_stage_when_every_gate_needs_one(
    commissioner, practitioner, project_factory
):
    project = project_factory(title="Every gate", created_by=practitioner)
    project.signoff_every_gate = True
    project.save()
    services.add_member(
        project=project, user=commissioner, role=Role.COMMISSIONER, actor=practitioner
    )
    assert selectors.signoffs_for([project])[project.pk].to_go == 4
    services.change_stage(project=project, to=Stage.CLOSED, actor=practitioner, reason="test")
    project.refresh_from_db()
    assert selectors.signoffs_for([project])[project.pk].to_go == 0


def test_the_dashboard_links_a_commissioner_to_the_portfolio(
    client: Client, project, commissioner, expert
):
    client.force_login(commissioner)
    assert f'href="{PORTFOLIO}"' in client.get(reverse("dashboard")).content.decode()
    client.force_login(expert)
    html = client.get(reverse("dashboard")).content.decode()
    assert f'href="{PORTFOLIO}"' not in html
    assert "Your portfolio" not in html


# --- Sorting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "ascending"),
    [
        ("title", ["Alder", "Birch", "Cedar"]),
        ("stage", ["Alder", "Cedar", "Birch"]),  # design, delivery, commissioning
        # Alder and Cedar: nothing waiting, one to go; Birch: one waiting.
        ("signoffs", ["Alder", "Cedar", "Birch"]),
        ("flags", ["Birch", "Cedar", "Alder"]),  # 0, 1, 2
    ],
)
def test_sorting_by_each_column_both_ways(
    client: Client, fake_sources, three, commissioner, sort, ascending
):
    client.force_login(commissioner)
    up = client.get(PORTFOLIO, {"sort": sort, "order": "asc"}).content.decode()
    down = client.get(PORTFOLIO, {"sort": sort, "order": "desc"}).content.decode()
    assert titles_in(up) == ascending
    if sort == "signoffs":
        # Ties (Alder and Cedar) stay in title order whichever way.
        assert titles_in(down) == ["Birch", "Alder", "Cedar"]
    else:
        assert titles_in(down) == list(reversed(ascending))
    assert f'aria-sort="ascending"><a href="?sort={sort}&amp;order=desc">' in up
    assert f'aria-sort="descending"><a href="?sort={sort}&amp;order=asc">' in down


def test_sorting_by_an_indicator_puts_projects_without_a_figure_last_both_ways(
    client: Client, fake_sources, three, commissioner
):
    client.force_login(commissioner)
    up = client.get(PORTFOLIO, {"sort": "indicator-share", "order": "asc"}).content.decode()
    down = client.get(PORTFOLIO, {"sort": "indicator-share", "order": "desc"}).content.decode()
    assert titles_in(up) == ["Alder", "Birch", "Cedar"]  # 30, 80, none
    assert titles_in(down) == ["Birch", "Alder", "Cedar"]  # 80, 30, none
    assert 'aria-sort="descending"><a href="?sort=indicator-share&amp;order=asc">' in down


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "nonsense"},
        {"sort": "indicator-missing", "order": "desc"},
        {"sort": "title", "order": "sideways"},
        {"sort": "", "order": ""},
        {"page": "many"},
        {"sort": "'; DROP TABLE projects_project; --"},
    ],
)
def test_a_sort_or_page_typed_wrong_shows_the_portfolio_by_title(
    client: Client, fake_sources, three, commissioner, query
):
    client.force_login(commissioner)
    response = client.get(PORTFOLIO, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert titles_in(html) == ["Alder", "Birch", "Cedar"]
    assert 'aria-sort="ascending"><a href="?sort=title&amp;order=desc">' in html


def test_sort_links_work_without_javascript_at_any_width(
    client: Client, fake_sources, three, commissioner
):
    client.force_login(commissioner)
    html = client.get(PORTFOLIO).content.decode()
    # Above the table as well as in its headings, which a phone shows as blocks without them.
    start = html.index('<nav aria-labelledby="sort-by"')
    nav = html[start : html.index("</nav>", start)]
    for key in ("title", "stage", "signoffs", "indicator-share", "flags"):
        assert f'href="?sort={key}&amp;order=' in nav
    assert "A to Z, choose again to reverse" in nav


# --- The CSV download -----------------------------------------------------------------------


def read_csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_has_the_pages_columns_and_rows_in_the_same_order(
    client: Client, fake_sources, three, commissioner
):
    client.force_login(commissioner)
    response = client.get(CSV, {"sort": "flags", "order": "desc"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="portfolio.csv"'
    rows = read_csv(response)
    assert rows[0] == [
        "Project",
        "Stage",
        "Sign-offs",
        "Share by experts by experience",
        "Flags",
        "What the flags are",
    ]
    assert rows[1:] == [
        ["Alder", "Design", "0 signed off, 1 to go", "30%", "2", "Flag number 0; Flag number 1"],
        ["Cedar", "Delivery", "0 signed off, 1 to go", "None yet", "1", "Flag number 0"],
        [
            "Birch",
            "Commissioning",
            "1 signed off, 1 to go (1 waiting now)",
            "80%",
            "0",
            "",
        ],
    ]


def test_the_csv_writes_a_title_a_spreadsheet_would_run_as_text(
    client: Client, fake_sources, commissioner, practitioner, project_factory
):
    project = project_factory(title='=HYPERLINK("http://evil")', created_by=practitioner)
    services.add_member(
        project=project, user=commissioner, role=Role.COMMISSIONER, actor=practitioner
    )
    client.force_login(commissioner)
    rows = read_csv(client.get(CSV))
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'


def test_the_portfolio_page_links_the_csv_in_its_order(
    client: Client, fake_sources, three, commissioner
):
    client.force_login(commissioner)
    html = client.get(PORTFOLIO, {"sort": "stage", "order": "desc"}).content.decode()
    assert f'href="{CSV}?sort=stage&amp;order=desc"' in html


# --- Pages and query budget -----------------------------------------------------------------


def commissioned(count: int, commissioner, practitioner, project_factory) -> list[Project]:
    made = []
    for n in range(count):
        project = project_factory(title=f"Project {n:03d}", created_by=practitioner)
        services.add_member(
            project=project, user=commissioner, role=Role.COMMISSIONER, actor=practitioner
        )
        made.append(project)
    return made


def test_many_projects_are_shown_a_page_at_a_time_and_the_page_says_so(
    client: Client, fake_sources, commissioner, practitioner, project_factory, monkeypatch
):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    commissioned(5, commissioner, practitioner, project_factory)
    client.force_login(commissioner)
    first = client.get(PORTFOLIO, {"sort": "title", "order": "desc"}).content.decode()
    assert "Showing projects 1 to 2 of 5, 2 on each page." in first
    assert "Page 1 of 3" in first
    assert "Project 004" in first and "Project 003" in first and "Project 002" not in first
    assert 'href="?sort=title&amp;order=desc&amp;page=2" rel="next"' in first
    # The page links come before the table too: on a phone each project is a long card.
    assert first.index("page=2") < first.index("<table")
    assert "Download all 5 projects as a spreadsheet (CSV)" in first
    last = client.get(PORTFOLIO, {"sort": "title", "order": "desc", "page": "3"}).content.decode()
    assert "Showing projects 5 to 5 of 5" in last
    assert "Project 000" in last and "Project 001" not in last
    assert 'href="?sort=title&amp;order=desc&amp;page=2" rel="prev"' in last
    # The download holds every project, whatever the page.
    assert len(read_csv(client.get(CSV))) == 1 + 5


def test_figures_are_worked_out_for_the_page_only_unless_the_sort_needs_them_all(
    client: Client, commissioner, practitioner, project_factory, monkeypatch
):
    # A commissioner in 86 projects waited 1.2 s: every project's figures for 20 shown.
    asked: list[int] = []

    def counting_share(projects: Sequence[Project]) -> dict[int, Indicator]:
        asked.append(len(projects))
        return fake_share(projects)

    monkeypatch.setattr(indicators, "SOURCES", [counting_share])
    monkeypatch.setattr(flags, "SOURCES", [fake_flags])
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    commissioned(5, commissioner, practitioner, project_factory)
    client.force_login(commissioner)
    for sort in ("title", "stage", "signoffs"):
        assert client.get(PORTFOLIO, {"sort": sort, "page": "2"}).status_code == 200
    assert asked == [2, 2, 2]
    asked.clear()
    for sort in ("flags", "indicator-share"):
        assert client.get(PORTFOLIO, {"sort": sort}).status_code == 200
    assert asked == [5, 5]
    asked.clear()
    assert len(read_csv(client.get(CSV))) == 1 + 5
    assert asked == [5]


def test_a_short_portfolio_says_nothing_about_pages(
    client: Client, fake_sources, three, commissioner
):
    client.force_login(commissioner)
    html = client.get(PORTFOLIO).content.decode()
    assert "Showing projects" not in html
    assert "Page 1 of" not in html


def source_queries(projects: list[Project]) -> int:
    """What the real indicator and flag sources cost for these projects."""
    with CaptureQueriesContext(connection) as queries:
        indicators.for_projects(projects)
        flags.for_projects(projects)
    return len(queries)


@pytest.mark.parametrize("size", [2, 12])
def test_the_portfolio_runs_a_fixed_number_of_queries(
    client: Client,
    django_assert_num_queries,
    commissioner,
    practitioner,
    expert,
    project_factory,
    size,
):
    made = commissioned(size, commissioner, practitioner, project_factory)
    for n, project in enumerate(made):
        services.add_member(
            project=project, user=expert, role=Role.EXPERT_BY_EXPERIENCE, actor=practitioner
        )
        if n % 2:
            closed_gate(project, passed=True, signoff_required=True)
    sources = source_queries(made)
    assert sources == source_queries(made[:1]), "a source's queries grow with the projects"
    client.force_login(commissioner)
    with django_assert_num_queries(PORTFOLIO_BASE_BUDGET + sources):
        html = client.get(PORTFOLIO).content.decode()
    assert html.count('<th scope="row">') == size
    with django_assert_num_queries(PORTFOLIO_BASE_BUDGET + sources):
        rows = read_csv(client.get(CSV, {"sort": "flags", "order": "desc"}))
    assert len(rows) == 1 + size


def test_each_indicator_column_is_headed_by_what_its_one_figure_is(client: Client, three):
    """The built-in indicators, not stand-ins: a column says what the headline figure is in a
    few words ("Widest gap on the ladder"), not the indicator's full title."""
    from evaluation.indicators import for_projects

    client.force_login(three["Alder"].memberships.get(role=Role.COMMISSIONER).user)
    html = client.get(PORTFOLIO).content.decode()
    found = for_projects([three["Alder"]])[three["Alder"].pk]
    for indicator in found:
        if indicator.headline is not None:
            assert indicator.headline_label, indicator.key
            assert len(indicator.headline_label) <= 60
            assert indicator.headline_label in html
    assert "How far up the ladder of co-production each group saw each stage" not in html


def test_a_survey_figure_from_fewer_than_three_answers_shows_neither_on_the_page_nor_in_the_csv(
    client: Client, three, commissioner, join
):
    """The built-in ladder indicator in the portfolio: two experts by experience rate Alder's
    design stage 7 and 6 (nothing may show), three practitioners 2, 2 and 2; no gap can show.
    With a third expert by experience (rating 5), the widest gap is 6 - 2 = 4.0 rungs."""
    from tests.evaluation_data import answer_stage_check

    alder = three["Alder"]
    lived = [join(alder, Role.EXPERT_BY_EXPERIENCE) for _n in range(3)]
    learned = [join(alder, Role.PRACTITIONER) for _n in range(3)]
    for person, rung in zip(lived[:2], (7, 6), strict=True):
        answer_stage_check(alder, person, rung=rung)
    for person in learned:
        answer_stage_check(alder, person, rung=2)
    client.force_login(commissioner)

    def alder_row() -> list[str]:
        rows = read_csv(client.get(CSV))
        heading = rows[0].index("Widest gap on the ladder")
        found = next(row for row in rows if row[0] == "Alder")
        return [found[heading]]

    assert alder_row() == ["Not enough answers"]
    html = client.get(PORTFOLIO).content.decode()
    row_html = html[html.index(">Alder</a>") :].split("</tr>")[0]
    assert "6.5" not in row_html and "4.5" not in row_html
    assert "Not enough answers" in row_html

    answer_stage_check(alder, lived[2], rung=5)
    assert alder_row() == ["4.0 rungs apart"]


def test_the_portfolio_states_the_rule_of_3_from_the_one_constant(
    client: Client, project, commissioner, monkeypatch
):
    monkeypatch.setattr("evaluation.views.portfolio.MIN_ANSWERS", 5)
    client.force_login(commissioner)
    html = client.get(PORTFOLIO).content.decode()
    assert "show only when at least 5 people in a group answered" in html
