"""An expert by experience on a 360 px phone: My projects starts with the vote waiting for them,
the project page calls them to it, and after voting it offers to change the vote. axe-core
checks every page on the way."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.gate_helpers import open_gate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_360(page: Page) -> Page:
    page.set_viewport_size({"width": 360, "height": 740})
    return page


def test_an_expert_finds_the_vote_waiting_for_them_and_votes_from_their_phone(
    live_server, phone_360: Page, project, practitioner, expert, expert2
):
    page = phone_360
    gate = open_gate(project, practitioner, expert)
    sign_in(page, live_server, expert2)

    page.goto(live_server.url + reverse("dashboard"))
    needs_me = page.get_by_role("region", name="What needs you now")
    expect(needs_me.get_by_role("heading", level=3)).to_have_text("You have 1 decision to vote on")
    vote_link = needs_me.get_by_role(
        "link", name="Housing First in Lambeth: is it time to move on to Delivery?"
    )
    expect(vote_link).to_be_visible()
    # The call comes before the project cards, so it is the first thing read on a phone.
    summary, first_project = (
        needs_me.bounding_box(),
        page.locator("section.card").nth(1).bounding_box(),
    )
    assert summary and first_project and summary["y"] < first_project["y"]
    assert_accessible(page)

    page.get_by_role("link", name="Housing First in Lambeth", exact=True).click()
    vote_now = page.get_by_role("link", name="Vote now")
    expect(vote_now).to_be_visible()
    button = vote_now.bounding_box()
    assert button and button["y"] + button["height"] <= 740, "Vote now is below the first screen"
    expect(page.locator('nav.subnav a[aria-current="page"]')).to_have_text("Overview")
    assert_accessible(page)

    vote_now.click()
    assert page.url == live_server.url + gate.get_absolute_url()
    expect(page.locator(".project-name")).to_have_text("Housing First in Lambeth")
    assert_accessible(page)
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Send my vote").click()
    assert_accessible(page)

    page.goto(live_server.url + project.get_absolute_url())
    expect(page.get_by_text("You have voted.")).to_be_visible()
    expect(page.get_by_role("link", name="Change my vote")).to_be_visible()
    expect(page.get_by_role("link", name="Vote now")).to_have_count(0)
    assert_accessible(page)

    page.goto(live_server.url + reverse("dashboard"))
    expect(page.get_by_text("Nothing needs you right now.")).to_be_visible()
    assert_accessible(page)
