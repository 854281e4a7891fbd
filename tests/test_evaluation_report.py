"""The project evaluation report: who reads it and who writes in it, the team's summary written
together, and peer research findings (downloads: test_evaluation_downloads.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from evaluation.models import (
    Finding,
    SummaryVersion,
)
from evaluation.services import report as services
from participation.models import Purpose
from participation.services.consent import decide
from projects.models import Project, Stage
from projects.services import ProjectError
from tests.error_pattern import assert_error_page, summary_of
from tests.evaluation_helpers import (
    PARTS,
    finding_data,
    pdf_text,
    plan,
    report_url,
    summary_data,
)

pytestmark = pytest.mark.django_db

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
