"""The decision page: every form on it comes back in place with its mistakes, what was typed,
and the error summary at the top; a refusal is shown the same way, and nothing is saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Choice, Gate, ObjectionResponse, Project, SignOff, Stage, Vote
from projects.services import gates
from tests.error_pattern import assert_error_page, summary_of
from tests.gate_helpers import lived_take_part, objection_after_close, open_gate

pytestmark = pytest.mark.django_db


def url(name: str, gate: Gate, **extra: int) -> str:
    return reverse(f"projects:{name}", kwargs={"slug": gate.project.slug, "pk": gate.pk, **extra})


@pytest.fixture
def draft(project, practitioner, expert):
    lived_take_part(project, expert)
    return gates.draft_gate(
        project=project, actor=practitioner, proposal="Move on now.", what_changes="More hours."
    )


def test_a_vote_sent_with_nothing_chosen_asks_to_choose_and_keeps_the_reason(
    client, project, practitioner, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    client.force_login(expert2)
    response = client.post(url("gate_vote", gate), {"reason": "I am not sure yet"})
    html = assert_error_page(response, field_id="id_choice_0", kept="I am not sure yet")
    assert "Choose approve, object or abstain." in summary_of(html)
    assert "This field is required." not in html
    assert "<legend>Do you agree with the proposal?</legend>" in html
    assert not Vote.objects.exists()


def test_an_objection_without_a_reason_asks_why_and_keeps_the_choice(
    client, project, practitioner, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    client.force_login(expert2)
    response = client.post(url("gate_vote", gate), {"choice": "object", "reason": "  "})
    html = assert_error_page(response, field_id="id_reason")
    assert "Say why you object." in summary_of(html)
    assert 'value="object" required id="id_choice_1" checked' in html
    assert not Vote.objects.exists()


def test_a_vote_after_voting_closed_is_refused_in_the_summary_not_a_flash(
    client, project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    for voter in (expert, expert2, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    client.force_login(expert2)
    response = client.post(url("gate_vote", gate), {"choice": "object", "reason": "Changed"})
    html = assert_error_page(response)
    assert "closed" in summary_of(html).lower()
    assert Vote.objects.get(voter=expert2).choice == Choice.APPROVE


def test_an_empty_voting_window_asks_for_the_hours_not_for_at_least_24(client, draft, practitioner):
    client.force_login(practitioner)
    response = client.post(url("gate_open", draft), {"window_hours": ""})
    html = assert_error_page(response, field_id="id_window_hours")
    assert "Enter how many hours voting stays open" in summary_of(html)
    assert "at least 24 hours, so everyone" not in html
    assert Gate.objects.get().is_draft


def test_opening_with_a_failing_check_is_refused_in_the_summary_and_keeps_the_hours(
    client, project, practitioner
):
    gate = gates.draft_gate(
        project=project, actor=practitioner, proposal="Move on.", what_changes="More."
    )
    client.force_login(practitioner)
    response = client.post(url("gate_open", gate), {"window_hours": "100"})
    html = assert_error_page(response, kept='value="100"')
    assert "Experts by experience must take part" in summary_of(html)
    assert Gate.objects.get().is_draft


def test_an_emptied_proposal_comes_back_with_the_other_words_kept(client, draft, practitioner):
    client.force_login(practitioner)
    response = client.post(
        url("gate_edit", draft), {"proposal": "", "what_changes": "Three evenings a week."}
    )
    html = assert_error_page(response, field_id="id_proposal", kept="Three evenings a week.")
    assert "Write the proposal" in summary_of(html)
    assert Gate.objects.get().proposal == "Move on now."


def test_changing_a_proposal_opened_in_another_tab_is_refused_in_the_summary(
    client, draft, practitioner
):
    gates.open_gate(gate=draft, actor=practitioner)
    client.force_login(practitioner)
    response = client.post(url("gate_edit", draft), {"proposal": "New", "what_changes": "New"})
    assert_error_page(response)
    assert Gate.objects.get().proposal == "Move on now."


def test_withdrawing_a_proposal_opened_in_another_tab_is_refused_in_the_summary(
    client, draft, practitioner
):
    gates.open_gate(gate=draft, actor=practitioner)
    client.force_login(practitioner)
    html = assert_error_page(client.post(url("gate_withdraw", draft)))
    assert "can no longer be withdrawn" in summary_of(html)
    assert Gate.objects.get().is_open


def test_an_empty_response_to_an_objection_leads_to_that_objection_box(
    client, project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    objection = objection_after_close(gate, [expert, practitioner, practitioner2], expert2)
    client.force_login(practitioner)
    response = client.post(
        url("objection_respond", gate, vote_pk=objection.pk), {"outcome": "not_done", "body": " "}
    )
    html = assert_error_page(response, field_id=f"response-{objection.pk}-body")
    assert "Write what you did, or why not." in summary_of(html)
    assert "Please write what you did, or why not." not in html
    assert not ObjectionResponse.objects.exists()


def test_a_sign_off_without_reasons_keeps_the_choice_and_asks_for_reasons(
    client, project, practitioner, practitioner2, expert, expert2, commissioner
):
    Project.objects.filter(pk=project.pk).update(stage=Stage.COMMISSIONING)
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    for voter in (expert, expert2, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    client.force_login(commissioner)
    response = client.post(url("gate_signoff", gate), {"assured": "no", "reasons": ""})
    html = assert_error_page(response, field_id="id_reasons")
    assert "Write your reasons." in summary_of(html)
    assert 'value="no" required id="id_assured_1" checked' in html
    nothing = client.post(url("gate_signoff", gate), {"reasons": "Both groups led."})
    assert "Choose yes or no." in summary_of(
        assert_error_page(nothing, field_id="id_assured_0", kept="Both groups led.")
    )
    assert not SignOff.objects.exists()
