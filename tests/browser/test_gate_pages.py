"""On a 320 px phone: propose, open, vote, see results, sign off; no page needs a script."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from projects.models import Choice, Gate, Project, Stage
from projects.services import gates
from tests.browser.conftest import assert_accessible, sign_in
from tests.gate_helpers import lived_take_part, open_gate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_co_lead_proposes_and_opens_a_decision_on_a_phone(
    live_server, phone_page: Page, project, practitioner, expert
):
    page = phone_page
    lived_take_part(project, expert)
    sign_in(page, live_server, practitioner)
    page.goto(f"{live_server.url}/projects/{project.slug}/gates/")
    assert_accessible(page)
    page.get_by_role("link", name="Propose moving to the next stage").click()
    expect(page.get_by_role("button", name="Save proposal")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("The proposal").fill("Start delivering the service.")
    page.get_by_label("What changes if it passes").fill("The doors open in March.")
    page.get_by_role("button", name="Save proposal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Move from Design to Delivery")
    assert_accessible(page)
    page.get_by_role("button", name="Open voting").click()
    expect(page.get_by_text("Voting is open.")).to_be_visible()
    assert Gate.objects.get().is_open


def test_a_member_votes_and_objects_with_a_reason_on_a_phone(
    live_server, phone_page: Page, project, practitioner, expert, expert2
):
    page = phone_page
    gate = open_gate(project, practitioner, expert)
    sign_in(page, live_server, expert2)
    page.goto(live_server.url + gate.get_absolute_url())
    assert_accessible(page)
    page.get_by_label("Object").check()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("Say why you object.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Object").check()
    page.get_by_label("Your reason").fill("The hours do not suit people who work.")
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("You voted: Object.")).to_be_visible()
    expect(page.get_by_text("Experts by experience: 1 of 2 has voted")).to_be_visible()
    assert_accessible(page)


def test_a_commissioner_reviews_the_evidence_and_signs_off_on_a_phone(
    live_server,
    phone_page: Page,
    project,
    practitioner,
    practitioner2,
    expert,
    expert2,
    commissioner,
):
    Project.objects.filter(pk=project.pk).update(stage=Stage.COMMISSIONING)
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    for voter in (expert, expert2, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    page = phone_page
    sign_in(page, live_server, commissioner)
    page.goto(live_server.url + gate.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Review the evidence and sign off").click()
    assert_accessible(page)
    page.get_by_label("Yes: I am assured").check()
    page.get_by_label("Your reasons").fill("Experts by experience led two of three workshops.")
    page.get_by_role("button", name="Record sign-off").click()
    expect(page.get_by_text("assured that this decision was truly made together")).to_be_visible()
    assert_accessible(page)
    assert Project.objects.get().stage == Stage.EVALUATION


def test_an_expert_by_experience_adds_an_idea_on_a_phone(
    live_server, phone_page: Page, project, practitioner, expert2
):
    page = phone_page
    sign_in(page, live_server, expert2)
    page.goto(f"{live_server.url}/projects/{project.slug}/")
    page.get_by_role("link", name="Ideas and comments").click()
    assert_accessible(page)
    page.get_by_label("Idea").check()
    page.get_by_label("What you want to say").fill("Let people bring their dogs.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Let people bring their dogs.")).to_be_visible()
    assert_accessible(page)
