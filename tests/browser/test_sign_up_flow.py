"""A new person signs up on a phone-sized screen, verifies, signs in and out."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_verify_sign_in_and_sign_out(live_server, phone_page: Page, settings):
    # Emailed links lead to SITE_URL, as `make run` keeps it in step with the address it serves.
    settings.SITE_URL = live_server.url
    page = phone_page
    page.goto(live_server.url + "/")
    assert_accessible(page)

    page.get_by_role("link", name="Create an account").first.click()
    assert_accessible(page)
    page.get_by_label("Email address").fill("maya@example.org")
    page.get_by_label("Your name").fill("Maya")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", str(mail.outbox[-1].body))
    assert link
    page.goto(link.group(0))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()
    # Confirming lands on the sign-in page, with a message saying the address is confirmed.
    expect(page.get_by_text("You have confirmed maya@example.org")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)
    page.get_by_label("Email address").fill("maya@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My projects")
    assert_accessible(page)

    page.get_by_role("link", name="Sign out").click()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)
