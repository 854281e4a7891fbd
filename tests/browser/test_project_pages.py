"""A co-lead on a 320 px phone visits every project page; each one passes axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from projects.models import Gate, GateStatus, Membership, Stage
from projects.services import closing as gate_closing
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, live_server, user) -> None:
    """Reuse a Django test-client session instead of typing a password on every test."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.fixture
def busy_project(project):
    """The shared project, with one decided gate and one open for votes."""
    now = timezone.now()
    Gate.objects.create(
        project=project,
        from_stage=Stage.DESIGN,
        to_stage=Stage.DELIVERY,
        proposal="Move on to delivery.",
        what_changes="The service opens.",
        status=GateStatus.CLOSED,
        opened_at=now - timedelta(days=4),
        closes_at=now - timedelta(days=1),
        closed_at=now - timedelta(days=1),
        passed=True,
    )
    project.stage = Stage.DELIVERY
    project.save(update_fields=["stage"])
    Gate.objects.create(
        project=project,
        from_stage=Stage.DELIVERY,
        to_stage=Stage.COMMISSIONING,
        proposal="Ask for the service to be commissioned.",
        what_changes="Funding for a second year.",
        status=GateStatus.OPEN,
        opened_at=now,
        closes_at=now + timedelta(hours=72),
        electorate=gate_closing.electorate_now(project.pk),
        rule=project.rule_settings(),
    )
    return project


def test_a_co_lead_visits_every_project_page_on_a_phone(
    live_server, phone_page: Page, busy_project, practitioner, practitioner2
):
    page = phone_page
    sign_in(page, live_server, practitioner)
    slug = busy_project.slug

    page.goto(live_server.url + reverse("dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My projects")
    expect(page.get_by_text("You have 1 decision to vote on")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=busy_project.title, exact=True).click()
    expect(page.locator('li[aria-current="step"]')).to_contain_text("Delivery")
    assert_accessible(page)

    page.get_by_role("link", name="Members", exact=True).click()
    # Petra can vote on the open decision, so she can be neither moved nor removed until it
    # closes, and the page says so; the commissioner, who does not vote, can be.
    expect(page.get_by_text("Petra can vote on the open decision.")).to_be_visible()
    expect(page.get_by_role("button", name="Change role for Petra")).to_have_count(0)
    expect(page.get_by_role("button", name="Change role for Cam")).to_be_visible()
    assert_accessible(page)

    # Removing someone first asks for confirmation, on a page of its own.
    page.get_by_role("button", name="Remove Cam from the project").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remove Cam")
    assert_accessible(page)
    page.get_by_role("link", name="No, go back to the members").click()

    page.get_by_role("button", name="Make Petra co-lead").click()
    expect(page.get_by_text("Petra is now a co-lead.")).to_be_visible()
    assert_accessible(page)
    assert Membership.objects.get(project=busy_project, user=practitioner2).is_co_lead

    page.get_by_role("button", name="Leave this project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave this project?")
    assert_accessible(page)

    page.goto(live_server.url + reverse("projects:settings", args=[slug]))
    assert_accessible(page)
    page.get_by_label("Quorum").fill("1.5")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("alert")).to_contain_text("The quorum must be a number from 0 to 1")
    assert_accessible(page)

    page.goto(live_server.url + reverse("projects:history", args=[slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    assert_accessible(page)

    page.goto(live_server.url + reverse("projects:new"))
    assert_accessible(page)
    page.get_by_role("button", name="Start the project").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a title for the project.")
    assert_accessible(page)


def test_a_plain_member_sees_the_pages_without_management_forms(
    live_server, phone_page: Page, busy_project, expert2
):
    page = phone_page
    sign_in(page, live_server, expert2)
    for url in (
        reverse("dashboard"),
        busy_project.get_absolute_url(),
        reverse("projects:members", args=[busy_project.slug]),
    ):
        page.goto(live_server.url + url)
        assert_accessible(page)
    expect(page.get_by_role("button", name="Change role for Petra")).to_have_count(0)
