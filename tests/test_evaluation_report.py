"""The project evaluation report: who reads it and who writes in it, the team's summary written
together, peer research findings, and the downloads (CSV of every table, the flags, the PDF).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from evaluation import flags as flag_sources
from evaluation import indicators as indicator_sources
from evaluation.flags import Flag
from evaluation.indicators import Chart, Indicator, Table, Unit
from evaluation.models import (
    MIN_ANSWERS,
    Finding,
    Instrument,
    Item,
    ItemAnswer,
    Moment,
    SummaryVersion,
    SurveyResponse,
)
from evaluation.services import report as services
from participation.models import Attendance, Presence, Purpose
from participation.services import activities
from participation.services.consent import decide
from projects.models import Project, Role, Stage
from projects.services import ProjectError
from tests.error_pattern import assert_error_page, summary_of

pytestmark = pytest.mark.django_db

PARTS = {
    "aim": "Design a housing service with the people who will use it.",
    "taking_part": "Six workshops; experts by experience chaired three.",
    "results": "A new referral route.",
    "lived_experience": "Drop-in hours moved to the evening.",
    "differently": "Pay people on the day.",
}


def report_url(project: Project, name: str = "report", *args: object) -> str:
    return reverse(f"reports:{name}", args=[project.slug, *args])


def summary_data(based_on: int, **parts: str) -> dict[str, str]:
    data = {f"summary-{name}": text for name, text in {**PARTS, **parts}.items()}
    data["summary-based_on"] = str(based_on)
    return data


def finding_data(**fields: str) -> dict[str, str]:
    data = {
        "title": "Evening sessions suit people in work",
        "found": "Four of the six people we spoke to could not come in the day.",
        "method": "Six interviews at the day centre",
        **fields,
    }
    return {f"finding-{name}": value for name, value in data.items()}


def plan(project: Project, actor: Any, *, starts_at: Any, **extra: Any) -> Any:
    fields: dict[str, Any] = {
        "kind": "workshop",
        "title": "Planning the drop-in",
        "starts_at": starts_at,
        "duration_minutes": 90,
        "place": "Brixton Library, room 2",
        **extra,
    }
    return activities.plan_activity(project=project, actor=actor, **fields)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


# --- Who reads, who writes --------------------------------------------------------------------


def test_outsiders_get_not_found_for_the_report_and_every_download(client, project, outsider):
    client.force_login(outsider)
    for address in (
        report_url(project),
        report_url(project, "table_csv", "attendance"),
        report_url(project, "flags_csv"),
        report_url(project, "report_pdf"),
    ):
        assert client.get(address).status_code == 404, address
    response = client.post(report_url(project, "save_summary"), summary_data(0))
    assert response.status_code == 404
    assert not SummaryVersion.objects.exists()


@pytest.mark.parametrize("persona", ["practitioner", "expert", "expert2", "practitioner2"])
def test_both_groups_read_the_report_with_the_forms_to_write_in_it(
    client, project, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(report_url(project)).content.decode()
    assert "<h1>Evaluation report</h1>" in html
    assert 'name="summary-aim"' in html
    assert 'name="finding-title"' in html


def test_commissioners_read_the_report_and_downloads_but_cannot_write_in_it(
    client, project, commissioner
):
    client.force_login(commissioner)
    response = client.get(report_url(project))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Share of attendance by experts by experience" in html
    assert "<form" not in html.split('id="team-summary"')[1]
    for name, args in (("table_csv", ["attendance"]), ("flags_csv", []), ("report_pdf", [])):
        assert client.get(report_url(project, name, *args)).status_code == 200, name
    assert client.post(report_url(project, "save_summary"), summary_data(0)).status_code == 403
    assert client.post(report_url(project, "add_finding"), finding_data()).status_code == 403
    assert not SummaryVersion.objects.exists() and not Finding.objects.exists()


def test_the_project_menu_has_the_evaluation_marked_on_the_report(client, project, expert2):
    client.force_login(expert2)
    html = client.get(report_url(project)).content.decode()
    nav = re.search(r'<nav class="subnav".*?</nav>', html, re.S)
    assert nav
    assert f'<a href="{report_url(project)}" aria-current="page">Evaluation</a>' in nav.group(0)
    overview = client.get(project.get_absolute_url()).content.decode()
    assert f'<a href="{report_url(project)}">Evaluation</a>' in overview


def test_a_closed_project_keeps_its_report_to_read_and_takes_no_more_writing(
    client, project, practitioner, expert
):
    services.save_summary(project=project, author=expert, based_on=0, parts=PARTS)
    Project.objects.filter(pk=project.pk).update(stage=Stage.CLOSED)
    client.force_login(practitioner)
    html = client.get(report_url(project)).content.decode()
    assert "Drop-in hours moved to the evening." in html
    assert 'name="summary-aim"' not in html and 'name="finding-title"' not in html
    assert client.post(report_url(project, "save_summary"), summary_data(1)).status_code == 403
    with pytest.raises(ProjectError):
        services.add_finding(
            project=project, author=expert, title="Late", found="Too late.", method="A chat"
        )


# --- The team's summary -----------------------------------------------------------------------


def test_the_summary_is_saved_as_numbered_versions_with_who_saved_each(
    client, project, expert, practitioner2
):
    client.force_login(expert)
    response = client.post(report_url(project, "save_summary"), summary_data(0))
    assert response.status_code == 302
    client.force_login(practitioner2)
    client.post(report_url(project, "save_summary"), summary_data(1, results="Two new routes."))

    versions = list(SummaryVersion.objects.order_by("number"))
    assert [(v.number, v.author) for v in versions] == [(1, expert), (2, practitioner2)]
    assert versions[0].results == "A new referral route."
    html = client.get(report_url(project)).content.decode()
    assert "Two new routes." in html
    assert "Version 2, saved by Petra" in html
    assert "Version 1, saved by Erin" in html  # under "Earlier versions"
    # The form starts from the latest version.
    assert 'name="summary-based_on" value="2"' in html


def test_an_edit_made_on_an_old_version_is_refused_and_nothing_written_is_lost(
    client, project, expert, practitioner2
):
    services.save_summary(project=project, author=expert, based_on=0, parts=PARTS)
    # Both open the page at version 1; Erin saves first.
    services.save_summary(
        project=project, author=expert, based_on=1, parts={**PARTS, "aim": "Erin's aim."}
    )
    client.force_login(practitioner2)
    response = client.post(
        report_url(project, "save_summary"), summary_data(1, aim="Petra's aim, typed meanwhile.")
    )

    html = assert_error_page(response, kept="Petra&#x27;s aim, typed meanwhile.")
    assert "Erin saved a new version of the summary (version 2" in summary_of(html)
    assert "Nothing is lost" in summary_of(html)
    assert SummaryVersion.objects.count() == 2
    assert SummaryVersion.objects.get(number=2).aim == "Erin's aim."
    # The page shows Erin's version, and Petra's form is now based on it: saving works.
    assert "Erin&#x27;s aim." in html
    assert 'name="summary-based_on" value="2"' in html
    again = client.post(
        report_url(project, "save_summary"), summary_data(2, aim="Both aims, merged.")
    )
    assert again.status_code == 302
    assert SummaryVersion.objects.get(number=3).aim == "Both aims, merged."


def test_the_same_summary_sent_twice_keeps_one_version(project, expert):
    first = services.save_summary(project=project, author=expert, based_on=0, parts=PARTS)
    again = services.save_summary(project=project, author=expert, based_on=0, parts=PARTS)
    assert again.pk == first.pk
    assert SummaryVersion.objects.count() == 1


def test_an_empty_or_over_long_summary_is_refused_in_the_error_pattern(client, project, expert):
    client.force_login(expert)
    empty = {name: "" for name in PARTS}
    html = assert_error_page(
        client.post(report_url(project, "save_summary"), summary_data(0, **empty))
    )
    assert "Write at least one part of the summary" in summary_of(html)
    too_long = client.post(
        report_url(project, "save_summary"), summary_data(0, results="x" * 3_001)
    )
    html = assert_error_page(too_long, field_id="id_summary-results")
    assert "Write at most 3,000 characters; you wrote 3,001." in html
    assert not SummaryVersion.objects.exists()


# --- Findings ----------------------------------------------------------------------------------


def test_a_finding_with_consent_to_be_quoted_shows_its_author_and_records_that_consent(
    client, project, expert2, practitioner
):
    client.force_login(expert2)
    response = client.post(report_url(project, "add_finding"), finding_data(named="on"))
    assert response.status_code == 302
    client.force_login(practitioner)
    html = client.get(report_url(project)).content.decode()
    assert "Evening sessions suit people in work" in html
    assert "Found by Eli." in html
    assert expert2.consents.filter(purpose=Purpose.QUOTING, given=True).count() == 1
    pdf = pdf_text(client.get(report_url(project, "report_pdf")).content)
    assert "Found by Eli." in pdf


def test_a_finding_without_consent_to_be_quoted_shows_no_name_anywhere(
    client, project, expert2, practitioner
):
    client.force_login(expert2)
    client.post(report_url(project, "add_finding"), finding_data())
    client.force_login(practitioner)
    html = client.get(report_url(project)).content.decode()
    assert "Four of the six people we spoke to" in html
    assert "Found by a member of the project." in html
    assert "Eli" not in html
    assert "Eli" not in pdf_text(client.get(report_url(project, "report_pdf")).content)
    assert not expert2.consents.exists()


def test_withdrawing_consent_to_be_quoted_hides_the_name_from_then_on(
    client, project, expert2, practitioner
):
    services.add_finding(
        project=project,
        author=expert2,
        title="Evenings",
        found="Later is better.",
        method="A group talk",
        named=True,
    )
    decide(user=expert2, choices={Purpose.QUOTING: False})
    client.force_login(practitioner)
    html = client.get(report_url(project)).content.decode()
    assert "Later is better." in html
    assert "Found by Eli." not in html and "Found by a member of the project." in html


def test_a_finding_names_an_activity_of_its_own_project_only(
    client, project, practitioner, expert2, project_factory
):
    past = timezone.now() - timedelta(days=2)
    ours = plan(project, practitioner, starts_at=past, title="Peer interviews")
    client.force_login(expert2)
    response = client.post(report_url(project, "add_finding"), finding_data(activity=str(ours.pk)))
    assert response.status_code == 302
    assert Finding.objects.get().activity == ours
    assert "(Peer interviews)" in client.get(report_url(project)).content.decode()

    other = project_factory(created_by=practitioner)
    theirs = plan(other, practitioner, starts_at=past, title="Elsewhere")
    response = client.post(
        report_url(project, "add_finding"),
        finding_data(title="Another", activity=str(theirs.pk)),
    )
    html = assert_error_page(response, field_id="id_finding-activity", kept="Another")
    assert "Choose one of the activities in the list." in html
    assert Finding.objects.count() == 1


def test_a_finding_sent_twice_is_recorded_once(client, project, expert2):
    client.force_login(expert2)
    for _twice in range(2):
        client.post(report_url(project, "add_finding"), finding_data())
    assert Finding.objects.count() == 1


def test_only_its_author_can_withdraw_a_finding_and_it_leaves_the_report(
    client, project, expert2, practitioner
):
    finding = services.add_finding(
        project=project,
        author=expert2,
        title="Evenings",
        found="Later is better.",
        method="A group talk",
    )
    withdraw = report_url(project, "withdraw_finding", finding.pk)
    client.force_login(practitioner)
    assert "Withdraw my finding" not in client.get(report_url(project)).content.decode()
    html = assert_error_page(client.post(withdraw))
    assert "Only the person who recorded a finding can withdraw it." in summary_of(html)
    assert Finding.objects.exists()

    client.force_login(expert2)
    assert "Withdraw my finding" in client.get(report_url(project)).content.decode()
    assert client.post(withdraw).status_code == 302
    assert client.post(withdraw).status_code == 302  # a double tap: already gone, no error
    assert not Finding.objects.exists()
    assert "Later is better." not in client.get(report_url(project)).content.decode()


def test_a_finding_without_what_was_found_is_refused_keeping_the_rest(client, project, expert2):
    client.force_login(expert2)
    response = client.post(report_url(project, "add_finding"), finding_data(found=""))
    html = assert_error_page(response, field_id="id_finding-found", kept="Six interviews")
    assert "Write what was found." in html
    assert not Finding.objects.exists()


# --- Downloads ---------------------------------------------------------------------------------


def attended(project: Project, practitioner, people: Sequence[Any]) -> None:
    past = plan(project, practitioner, starts_at=timezone.now() - timedelta(days=1))
    for person in people:
        Attendance.objects.create(activity=past, user=person, presence=Presence.ATTENDED)


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


def test_csv_downloads_write_formula_like_text_as_text(client, project, expert2, monkeypatch):
    monkeypatch.setattr(indicator_sources, "SOURCES", [formula_source])
    monkeypatch.setattr(flag_sources, "SOURCES", [formula_flags])
    client.force_login(expert2)
    table = csv_rows(client.get(report_url(project, "table_csv", "words")).content)
    assert table == [["'=Name", "Count"], ['\'=HYPERLINK("x")', "-3"]]
    response = client.get(report_url(project, "flags_csv"))
    assert response["Content-Disposition"] == f'attachment; filename="{project.slug}-flags.csv"'
    assert csv_rows(response.content) == [
        ["Flag", "Stage", "What it means"],
        ["'@SUM(A1) joined late", "Design", "Two experts by experience joined after the proposal."],
    ]


def test_any_flag_a_source_raises_shows_on_the_report_and_in_the_pdf(
    client, project, expert2, monkeypatch
):
    monkeypatch.setattr(flag_sources, "SOURCES", [formula_flags])
    client.force_login(expert2)
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


def average_rung(projects: Sequence[Project]) -> dict[int, Indicator]:
    """A survey indicator as the report receives one: the average ladder rung each group gave
    the design stage, left out (None) for a group with fewer than MIN_ANSWERS answers."""
    rows = (
        ItemAnswer.objects.filter(
            response__project__in=projects,
            item__instrument__key="stage-check",
            item__key="rung",
            value__isnull=False,
        )
        .values_list("response__project", "response__group")
        .annotate(answers=Count("pk"), mean=Avg("value"))
        .order_by()
    )
    found = {(p, g): (n, mean) for p, g, n, mean in rows}
    result = {}
    for project in projects:
        table_rows = []
        for role, name in (
            (Role.EXPERT_BY_EXPERIENCE, "Experts by experience"),
            (Role.PRACTITIONER, "Practitioners"),
        ):
            answers, mean = found.get((project.pk, role), (0, None))
            enough = answers >= MIN_ANSWERS
            table_rows.append((name, round(mean, 1) if enough else None))
        result[project.pk] = Indicator(
            key="rung",
            title="Average rung of the ladder",
            summary="How co-produced each group says the stage was.",
            table=Table(
                columns=("Group", "Average rung"),
                rows=tuple(table_rows),
                blank="Fewer than 3 people in that group answered.",
            ),
            chart=Chart(series=(1,), unit=Unit.RUNG, maximum=7),
        )
    return result


def answer_rung(project: Project, person, group: str, rung: int) -> None:
    instrument = Instrument.objects.get(key="stage-check")
    response = SurveyResponse.objects.create(
        instrument=instrument,
        project=project,
        moment=Moment.STAGE_END,
        stage=Stage.DESIGN,
        respondent=person,
        group=group,
    )
    ItemAnswer.objects.create(
        response=response, item=Item.objects.get(instrument=instrument, key="rung"), value=rung
    )


def test_a_group_with_fewer_than_three_answers_shows_no_figures_in_page_csv_or_pdf(
    client,
    instruments,
    project,
    expert,
    expert2,
    practitioner,
    practitioner2,
    join,
    monkeypatch,
):
    monkeypatch.setattr(indicator_sources, "SOURCES", [average_rung])
    answer_rung(project, expert, Role.EXPERT_BY_EXPERIENCE, 6)
    answer_rung(project, expert2, Role.EXPERT_BY_EXPERIENCE, 5)
    for person, rung in ((practitioner, 2), (practitioner2, 3), (join(project, "practitioner"), 4)):
        answer_rung(project, person, Role.PRACTITIONER, rung)
    client.force_login(practitioner)

    html = client.get(report_url(project)).content.decode()
    figure = html.split('id="indicator-rung"')[1].split("</article>")[0]
    assert '<td data-label="Average rung">3</td>' in figure
    assert '<td data-label="Average rung">Not shown</td>' in figure
    assert "Not shown: Fewer than 3 people in that group answered." in figure
    assert "5.5" not in figure  # neither in the table nor at the end of a bar in the chart

    table = csv_rows(client.get(report_url(project, "table_csv", "rung")).content)
    assert table == [
        ["Group", "Average rung"],
        ["Experts by experience", ""],
        ["Practitioners", "3"],
    ]

    pdf = pdf_text(client.get(report_url(project, "report_pdf")).content)
    assert "Experts by experience Not shown" in pdf
    assert "Practitioners 3" in pdf
    assert "5.5" not in pdf

    # A third answer from the experts by experience: now their figure shows.
    answer_rung(project, join(project, "expert_by_experience"), Role.EXPERT_BY_EXPERIENCE, 4)
    table = csv_rows(client.get(report_url(project, "table_csv", "rung")).content)
    assert table[1] == ["Experts by experience", "5"]


# --- Query budget ------------------------------------------------------------------------------


def test_the_report_page_runs_a_fixed_number_of_queries(
    client, project, practitioner, expert, join, django_assert_max_num_queries
):
    client.force_login(expert)
    address = report_url(project)
    # Measured: 9 at both sizes (session, user, membership, permissions, the indicators,
    # the summary versions, the findings with consent, the activities to choose from).
    with django_assert_max_num_queries(9):
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
    decide(user=people[0], choices={Purpose.QUOTING: False})
    with django_assert_max_num_queries(9):
        assert client.get(address).status_code == 200
