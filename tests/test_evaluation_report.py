"""The project evaluation report: who reads it and who writes in it, the team's summary written
together, and peer research findings (downloads: test_evaluation_downloads.py).
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from xhtml2pdf import pisa

from evaluation import flags as flag_sources
from evaluation.flags import Flag
from evaluation.models import (
    Finding,
    Moment,
    SummaryVersion,
    SurveyResponse,
)
from evaluation.selectors import report as selectors
from evaluation.services import report as services
from participation.models import Contribution, Purpose, quotable
from participation.services.consent import decide
from projects.models import Project, Role, Stage
from projects.services import ProjectError
from tests.error_pattern import assert_error_page, summary_of
from tests.evaluation_data import answer_impact, answer_stage_check, said
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


def test_saving_again_after_a_refusal_keeps_the_part_only_the_other_person_changed(
    client, project, expert, practitioner2
):
    """Erin changes "results"; Petra, writing from the same version, changes "differently"
    and is refused. Her form now holds Erin's results and her own differently, so saving
    again drops neither. Where both changed the same part (the aim), Petra's words stay in
    the form and Erin's are shown beside them."""
    services.save_summary(project=project, author=expert, based_on=0, parts=PARTS)
    services.save_summary(
        project=project,
        author=expert,
        based_on=1,
        parts={**PARTS, "results": "Erin's results.", "aim": "Erin's aim."},
    )
    client.force_login(practitioner2)
    refused = client.post(
        report_url(project, "save_summary"),
        summary_data(1, differently="Petra's lesson.", aim="Petra's aim."),
    )
    html = refused.content.decode()
    assert 'name="summary-results"' in html and "Erin&#x27;s results.</textarea>" in html
    assert "Petra&#x27;s lesson.</textarea>" in html
    assert "Petra&#x27;s aim.</textarea>" in html
    assert "Erin also changed this part. Their words: “Erin&#x27;s aim.”" in html

    # Saving the form as it now stands.
    again = client.post(
        report_url(project, "save_summary"),
        summary_data(
            2, results="Erin's results.", differently="Petra's lesson.", aim="Petra's aim."
        ),
    )
    assert again.status_code == 302
    saved = SummaryVersion.objects.get(number=3)
    assert (saved.results, saved.differently) == ("Erin's results.", "Petra's lesson.")


def test_a_three_way_merge_part_by_part(project, expert):
    first = services.save_summary(project=project, author=expert, based_on=0, parts=PARTS)
    latest = services.save_summary(
        project=project, author=expert, based_on=1, parts={**PARTS, "aim": "New aim."}
    )
    merged = services.merge_with_latest(
        project=project, based_on=first.number, parts={**PARTS, "results": "Mine."}, latest=latest
    )
    assert merged.parts == {**PARTS, "aim": "New aim.", "results": "Mine."}
    assert merged.both_changed == ()
    clash = services.merge_with_latest(
        project=project, based_on=1, parts={**PARTS, "aim": "My aim."}, latest=latest
    )
    assert clash.parts["aim"] == "My aim." and clash.both_changed == ("aim",)
    assert clash.theirs["aim"] == "New aim."


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


def test_a_named_finding_shows_its_author_and_changes_nothing_they_agreed_to(
    client, project, expert2, practitioner
):
    client.force_login(expert2)
    response = client.post(report_url(project, "add_finding"), finding_data(named="on"))
    assert response.status_code == 302
    client.force_login(practitioner)
    html = client.get(report_url(project)).content.decode()
    assert "Evening sessions suit people in work" in html
    assert "Found by Eli." in html
    assert not expert2.consents.exists()
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


def test_ticking_show_my_name_after_saying_no_to_quoting_changes_nothing_and_says_why(
    client, project, expert2, practitioner
):
    said(project, expert2)
    decide(user=expert2, choices={Purpose.QUOTING: False})
    client.force_login(expert2)
    form = client.get(report_url(project)).content.decode().split('id="add-finding"')[1]
    assert "You said no to being quoted, so your name will not be shown" in form
    assert f'<a href="{reverse("consent:mine")}">What you agree to</a>' in form
    response = client.post(
        report_url(project, "add_finding"), finding_data(named="on"), follow=True
    )
    assert "without your name: you said no to being quoted" in response.content.decode()
    # What they said no to stands: nothing of theirs is quotable anywhere.
    assert not quotable(Contribution.objects.filter(author=expert2)).exists()
    assert list(expert2.consents.values_list("given", flat=True)) == [False]
    client.force_login(practitioner)
    html = client.get(report_url(project)).content.decode()
    assert "Evening sessions suit people in work" in html
    assert "Found by a member of the project." in html and "Eli" not in html
    assert "Eli" not in pdf_text(client.get(report_url(project, "report_pdf")).content)


def test_someone_never_asked_about_quoting_is_named_as_everywhere_else(project, expert2):
    services.add_finding(
        project=project, author=expert2, title="T", found="F", method="M", named=True
    )
    shown = selectors.report(project, flags_shown=False)
    assert [item.name for item in shown.findings] == ["Eli"]


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


def test_a_commissioner_is_refused_withdrawing_a_finding_as_when_adding_one(
    client, project, expert2, commissioner
):
    """Found by the authorisation crawl: withdrawing was checked against reading the
    evaluation, so a commissioner was shown the report with a message instead of a 403."""
    finding = services.add_finding(
        project=project, author=expert2, title="Evenings", found="Later.", method="A talk"
    )
    client.force_login(commissioner)
    assert client.post(report_url(project, "add_finding")).status_code == 403
    assert client.post(report_url(project, "withdraw_finding", finding.pk)).status_code == 403
    assert Finding.objects.filter(pk=finding.pk).exists()


def test_a_finding_without_what_was_found_is_refused_keeping_the_rest(client, project, expert2):
    client.force_login(expert2)
    response = client.post(report_url(project, "add_finding"), finding_data(found=""))
    html = assert_error_page(response, field_id="id_finding-found", kept="Six interviews")
    assert "Write what was found." in html
    assert not Finding.objects.exists()


# --- Who sees the flags: one rule for the overview, the report, the CSV and the PDF -------------


def raised_everywhere(projects):
    return {
        p.pk: [Flag("late-joiners", "Joined late", "Two joined after the proposal.", Stage.DESIGN)]
        for p in projects
    }


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("expert", True),  # a co-lead
        ("practitioner", True),  # a co-lead
        ("commissioner", True),
        ("expert2", False),
        ("practitioner2", False),
    ],
)
def test_flags_show_to_co_leads_and_commissioners_only_on_every_page_and_download(
    client, project, persona, sees, request, monkeypatch
):
    monkeypatch.setattr(flag_sources, "SOURCES", [raised_everywhere])
    client.force_login(request.getfixturevalue(persona))
    html = client.get(report_url(project)).content.decode()
    assert ('id="flags"' in html) is sees
    assert ("Two joined after the proposal." in html) is sees
    assert (report_url(project, "flags_csv") in html) is sees
    assert ("warning signs" in html.lower()) is sees  # nothing about flags for the others
    overview = client.get(project.get_absolute_url()).content.decode()
    assert ("Two joined after the proposal." in overview) is sees
    csv_response = client.get(report_url(project, "flags_csv"))
    assert csv_response.status_code == (200 if sees else 403)
    if sees:
        assert "Two joined after the proposal." in csv_response.content.decode()
    text = pdf_text(client.get(report_url(project, "report_pdf")).content)
    assert ("Two joined after the proposal." in text) is sees
    assert ("Warning signs" in text) is sees


def test_a_flag_names_its_stage_the_same_way_on_the_overview_report_csv_and_pdf(
    client, project, expert, monkeypatch
):
    monkeypatch.setattr(flag_sources, "SOURCES", [raised_everywhere])
    flag = raised_everywhere([project])[project.pk][0]
    assert flag.stage_name == "Design"
    assert Flag("k", "t", "e").stage_name == ""
    client.force_login(expert)
    overview = client.get(project.get_absolute_url()).content.decode()
    assert "Joined late</strong> (Design)" in overview
    assert "Stage: Design" in client.get(report_url(project)).content.decode()
    assert "Design" in client.get(report_url(project, "flags_csv")).content.decode()


# --- The PDF that cannot be made ---------------------------------------------------------------


def test_a_pdf_that_cannot_be_made_is_refused_plainly_on_the_report_page(
    client, project, expert2, monkeypatch
):
    monkeypatch.setattr(pisa, "CreatePDF", lambda *args, **kwargs: SimpleNamespace(err=1))
    client.force_login(expert2)
    response = client.get(report_url(project, "report_pdf"))
    html = assert_error_page(response)
    assert "The PDF of the report could not be made just now." in summary_of(html)
    assert "<h1>Evaluation report</h1>" in html


# --- Who saved the summary ---------------------------------------------------------------------


def test_the_summary_names_who_saved_it_only_if_they_did_not_say_no_to_being_quoted(
    client, project, expert2, practitioner2, commissioner
):
    services.save_summary(project=project, author=practitioner2, based_on=0, parts=PARTS)
    services.save_summary(
        project=project, author=expert2, based_on=1, parts={**PARTS, "aim": "Our aim"}
    )
    decide(user=expert2, choices={Purpose.QUOTING: False})
    client.force_login(commissioner)
    html = client.get(report_url(project)).content.decode()
    assert "saved by a member of the project" in html and "Eli" not in html
    assert "Version 1, saved by Petra" in html  # never asked: named, as everywhere else
    text = pdf_text(client.get(report_url(project, "report_pdf")).content)
    assert "saved by a member of the project" in text and "Eli" not in text
    # Nor does the message to someone whose save came too late name them.
    with pytest.raises(services.SummaryChanged) as changed:
        services.save_summary(project=project, author=practitioner2, based_on=1, parts=PARTS)
    assert "A member of the project saved a new version" in str(changed.value)
    assert "Eli" not in str(changed.value)


# --- What people wrote in the surveys -------------------------------------------------------------


def comments_section(html: str) -> str:
    return html.split('id="comments"')[1].split("</section>")[0]


def test_survey_comments_show_once_a_group_has_three_sets_of_answers_without_names(
    client, project, join, expert2, practitioner2
):
    experts = [expert2, *(join(project, Role.EXPERT_BY_EXPERIENCE) for _n in range(2))]
    for number, person in enumerate(experts):
        answer_stage_check(project, person, rung=3, comment=f"Expert words {number}")
    for number, person in enumerate([practitioner2, join(project, Role.PRACTITIONER)]):
        answer_stage_check(project, person, rung=3, comment=f"Practitioner words {number}")
    # Two sets about another stage: too few, even in a group with three elsewhere.
    for person in experts[:2]:
        answer_stage_check(project, person, Stage.DELIVERY, rung=3, comment="Delivery words")
    client.force_login(practitioner2)
    section = comments_section(client.get(report_url(project)).content.decode())
    assert "At the end of the Design stage: Experts by experience" in section
    assert all(f"Expert words {n}" in section for n in range(3))
    assert "Practitioner words" not in section and "Delivery words" not in section
    assert "Eli" not in section
    text = pdf_text(client.get(report_url(project, "report_pdf")).content)
    assert "Expert words 1" in text and "Practitioner words" not in text


def test_a_comment_is_named_only_when_ticked_and_the_person_did_not_say_no_to_quoting(
    client, project, join, expert2, practitioner2
):
    named, refused = expert2, join(project, Role.EXPERT_BY_EXPERIENCE, display_name="Rae")
    quiet = join(project, Role.EXPERT_BY_EXPERIENCE, display_name="Quin")
    for person in (named, refused, quiet):
        answer_impact(
            project,
            person,
            Moment.JOINING,
            compassion=3,
            understanding=3,
            confidence=3,
            drive=3,
            comment=f"Words of {person.display_name}",
        )
    SurveyResponse.objects.filter(respondent__in=[named, refused]).update(named=True)
    decide(user=refused, choices={Purpose.QUOTING: False})
    client.force_login(practitioner2)
    section = comments_section(client.get(report_url(project)).content.decode())
    assert "The impact survey, on joining: Experts by experience" in section
    assert "Eli" in section.split("Words of Eli")[1].split("</li>")[0]
    assert "Rae" not in section.replace("Words of Rae", "")
    assert "Quin" not in section.replace("Words of Quin", "")


def test_comments_come_in_the_same_order_every_time_and_not_in_the_order_written(
    client, project, join, practitioner2
):
    people = [join(project, Role.EXPERT_BY_EXPERIENCE) for _n in range(8)]
    for number, person in enumerate(people):
        answer_stage_check(project, person, rung=3, comment=f"Comment number {number}.")
    client.force_login(practitioner2)
    orders = []
    for _visit in range(2):
        section = comments_section(client.get(report_url(project)).content.decode())
        orders.append(re.findall(r"Comment number (\d)\.", section))
    assert orders[0] == orders[1] and sorted(orders[0]) == [str(n) for n in range(8)]
    written = [str(n) for n in range(8)]
    assert orders[0] not in (written, written[::-1])  # 2 chances in 40,320 of a false alarm


def test_the_report_starts_with_links_to_each_part_and_the_forms(client, project, expert2):
    """On a phone the report is long: it opens with a list of its parts, the forms included."""
    client.force_login(expert2)
    html = client.get(report_url(project)).content.decode()
    contents = html[
        html.index('id="contents-heading"') : html.index(
            "</nav>", html.index('id="contents-heading"')
        )
    ]
    for anchor in (
        "figures",
        "comments",
        "team-summary",
        "write-summary",
        "findings",
        "add-finding",
    ):
        assert f'href="#{anchor}"' in contents
        assert f'id="{anchor}"' in html
