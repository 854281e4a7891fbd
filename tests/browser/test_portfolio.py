"""The commissioner's portfolio on a 320 px phone, with the demo's projects and figures: axe-core
finds nothing, nothing is cut off or scrolls sideways, and sorting works by following links."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from coproduce.models import User
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_narrow_screens import LARGE_TEXT, problems_at_320, set_text_size

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_commissioner_reads_and_sorts_the_portfolio_on_a_phone(live_server, phone_page: Page):
    page = phone_page
    call_command("seed_demo", "--not-production", stdout=StringIO())
    sign_in(page, live_server, User.objects.get(email="commissioner1@example.org"))

    page.goto(live_server.url + reverse("dashboard"))
    page.get_by_role("link", name="See your portfolio").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your portfolio")
    assert_accessible(page)

    table = page.get_by_role("table", name="Your projects side by side")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(5)
    # On a phone each project is a block, every figure on the screen with its column's name.
    for cell in table.locator("tbody th, tbody td").all():
        box = cell.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320 + 0.5, cell.inner_text()

    sorting = page.get_by_role("navigation", name="Sort the projects")
    sorting.get_by_role("link", name="Stage", exact=True).click()
    expect(rows.first.locator("th")).to_have_text("Night shelter redesign")  # design
    sorting.get_by_role("link", name="Stage", exact=True).click()
    expect(rows.first.locator("th")).to_have_text("Winter outreach pilot")  # closed
    expect(sorting).to_contain_text("latest stage first")
    assert_accessible(page)


def test_the_portfolio_reads_at_twice_the_text_size(live_server, phone_page: Page):
    page = phone_page
    call_command("seed_demo", "--not-production", stdout=StringIO())
    sign_in(page, live_server, User.objects.get(email="commissioner1@example.org"))
    page.goto(live_server.url + reverse("portfolio:portfolio"))
    set_text_size(page, LARGE_TEXT)
    page.reload()
    assert problems_at_320(page) == []
