"""Project pages (start, settings, members, propose a decision): a form with mistakes or a
refused change comes back with the error summary at the top, plain words, what was typed kept,
and nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Gate, Membership, Project, Role
from tests.error_pattern import assert_error_page, summary_of
from tests.gate_helpers import lived_take_part, open_gate
from tests.test_project_views import NEW_PROJECT, settings_data

pytestmark = pytest.mark.django_db


def test_a_new_project_without_a_rule_or_role_asks_for_each_in_plain_words(client, outsider):
    client.force_login(outsider)
    data = {**NEW_PROJECT, "role": "", "decision_rule": ""}
    response = client.post(reverse("projects:new"), data)
    html = assert_error_page(response, field_id="id_role_0", kept="Peer support on the ward")
    summary = summary_of(html)
    assert "Choose your role in this project." in summary
    assert "Choose how decisions are made." in summary
    assert 'href="#id_decision_rule_0"' in summary
    assert "This field is required." not in html
    assert not Project.objects.exists()


def test_settings_without_a_title_keep_the_other_changes_typed(client, project, expert):
    client.force_login(expert)
    data = settings_data(project, title="", summary="A summary typed just now.")
    response = client.post(reverse("projects:settings", args=[project.slug]), data)
    html = assert_error_page(response, field_id="id_title", kept="A summary typed just now.")
    assert "Enter a title for the project." in summary_of(html)
    assert Project.objects.get().summary != "A summary typed just now."


def test_a_proposal_without_words_is_asked_for_and_what_was_typed_kept(
    client, project, practitioner, expert
):
    lived_take_part(project, expert)
    client.force_login(practitioner)
    response = client.post(
        reverse("projects:gate_new", args=[project.slug]),
        {"proposal": "", "what_changes": "The doors open in March."},
    )
    html = assert_error_page(response, field_id="id_proposal", kept="The doors open in March.")
    assert "Write the proposal" in summary_of(html)
    assert not Gate.objects.exists()


def test_an_unknown_role_is_refused_next_to_that_members_role_menu(
    client, project, expert, practitioner2
):
    client.force_login(expert)
    member = Membership.objects.get(project=project, user=practitioner2)
    response = client.post(
        reverse("projects:member_role", args=[project.slug, member.pk]), {"role": "boss"}
    )
    html = assert_error_page(response, field_id=f"member-{member.pk}-role")
    assert "Choose a role from the list." in summary_of(html)
    assert Membership.objects.get(pk=member.pk).role == Role.PRACTITIONER


def test_a_role_change_the_open_vote_forbids_is_refused_in_the_summary(
    client, project, practitioner, expert, expert2
):
    open_gate(project, practitioner, expert)
    client.force_login(practitioner)
    member = Membership.objects.get(project=project, user=expert2)
    response = client.post(
        reverse("projects:member_role", args=[project.slug, member.pk]),
        {"role": Role.PRACTITIONER},
    )
    assert_error_page(response)
    assert Membership.objects.get(pk=member.pk).role == Role.EXPERT_BY_EXPERIENCE


def test_stepping_down_as_the_only_co_lead_is_refused_in_the_summary(
    client, project, practitioner, expert
):
    client.force_login(practitioner)
    only = Membership.objects.get(project=project, user=expert)
    Membership.objects.filter(pk=only.pk).update(is_co_lead=False)
    lead = Membership.objects.get(project=project, user=practitioner)
    response = client.post(
        reverse("projects:member_co_lead", args=[project.slug, lead.pk]), {"is_co_lead": "false"}
    )
    html = assert_error_page(response)
    assert "only co-lead" in summary_of(html)
    assert Membership.objects.get(pk=lead.pk).is_co_lead


def test_removing_a_voter_while_their_vote_is_open_is_refused_in_the_summary(
    client, project, practitioner, expert, expert2, monkeypatch
):
    gate = open_gate(project, practitioner, expert)
    member = Membership.objects.get(project=project, user=expert2)
    client.force_login(practitioner)
    # The page offered the button before the vote opened: the rule refuses at the last step.
    monkeypatch.setattr("projects.services.removal_refusal", lambda member: None)
    response = client.post(
        reverse("projects:member_remove", args=[project.slug, member.pk]), {"confirm": "yes"}
    )
    assert_error_page(response)
    assert Membership.objects.get(pk=member.pk).is_active
    assert Gate.objects.get(pk=gate.pk).is_open
