"""On a 320 px phone: a practitioner records a vote with help, types the code the member reads
back, and the member finds it marked and takes it back; no page needs a script."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from participation.models import HelpRequest
from participation.services.assistance import code_for
from projects.models import Vote
from tests.browser.conftest import assert_accessible, sign_in
from tests.gate_helpers import open_gate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_practitioner_records_a_vote_with_help_on_a_phone(
    live_server, phone_page: Page, project, practitioner, practitioner2, expert, expert2
):
    page = phone_page
    gate = open_gate(project, practitioner, expert)
    sign_in(page, live_server, practitioner2)
    page.goto(f"{live_server.url}/projects/{project.slug}/")
    page.get_by_role("link", name="Record with help").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record with help")
    assert_accessible(page)

    page.get_by_label("Who are you recording for?").select_option(label=str(expert2))
    page.get_by_role("radio", name="A vote", exact=True).check()
    page.get_by_role("radio", name="Object (NO)", exact=True).check()
    page.get_by_role("button", name="Record and send them the code").click()
    expect(page.get_by_text("Write why they object, in their words.").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("radio", name="Object (NO)", exact=True).check()
    page.get_by_label("Their reason, in their words").fill("Too far from the bus")
    page.get_by_label("They asked me to record this for them").check()
    page.get_by_role("button", name="Record and send them the code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ask {expert2} for the code")
    assert_accessible(page)

    page.get_by_label("The code they read to you").fill("nonsense")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("The code is 6 numbers").first).to_be_visible()
    assert_accessible(page)

    made = HelpRequest.objects.get()
    wrong = "000000" if code_for(made) != "000000" else "111111"
    page.get_by_label("The code they read to you").fill(wrong)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("4 tries left").first).to_be_visible()

    page.get_by_label("The code they read to you").fill(code_for(HelpRequest.objects.get()))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text(f"{expert2} confirmed it.")).to_be_visible()
    assert Vote.objects.get(voter=expert2).confirmed is True

    page.context.clear_cookies()
    sign_in(page, live_server, expert2)
    page.goto(live_server.url + gate.get_absolute_url())
    expect(
        page.get_by_text(f"Your vote was recorded with help from {practitioner2}")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Take back my vote").click()
    expect(page.get_by_text("Your vote is taken back.")).to_be_visible()
    assert not Vote.objects.filter(voter=expert2).exists()
