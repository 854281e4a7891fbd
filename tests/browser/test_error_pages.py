"""The error pages on a phone: the site's layout, readable, accessible, with a way back."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_not_found_and_forbidden_pages_read_well_on_a_phone(
    live_server, phone_page: Page, project, expert2
):
    page = phone_page
    page.goto(live_server.url + "/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)
    page.get_by_role("link", name="Sign in").last.click()
    expect(page).to_have_url(live_server.url + reverse("account_login"))

    sign_in(page, live_server, expert2)
    page.goto(live_server.url + reverse("projects:settings", args=[project.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this here")
    assert_accessible(page)
    page.get_by_role("link", name="My projects").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My projects")
