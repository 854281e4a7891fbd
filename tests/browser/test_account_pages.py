"""Every sign-in and account page a member can reach, on a 360 px phone, as it first shows and
with a mistake in its form: axe-core finds nothing, nothing scrolls sideways, the error summary
takes focus, and the password rules are read out with the password field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.test_account_pages import email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size({"width": 360, "height": 740})
    return page


def visit(page: Page, url: str) -> None:
    page.goto(url)
    assert_accessible(page)


def assert_error_state(page: Page, message: str | None = None) -> None:
    """The title says "Error:", the summary has focus, and its link (`message`, when given)
    leads to the field."""
    # Waits for the page the form sent: reading the title mid-navigation gives "".
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    if message is not None:
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    assert_accessible(page)


def description_of(page: Page, selector: str) -> str:
    """The field's accessible description: the text of every element aria-describedby names."""
    return str(
        page.locator(selector).evaluate(
            "el => (el.getAttribute('aria-describedby') || '').split(' ')"
            ".map(id => document.getElementById(id)?.textContent || '').join(' ')"
        )
    )


def test_sign_in_pages_with_and_without_mistakes(live_server: Any, phone: Page, user: Any):
    page, url = phone, live_server.url
    visit(page, url + "/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert_error_state(
        page,
        "The email address or password is not right. Check them and try again, "
        "or ask for a code by email instead.",
    )
    expect(page.get_by_label("Email address")).to_have_value(user.email)

    page.get_by_role("link", name="Email me a code to sign in").click()
    assert_accessible(page)
    page.get_by_role("button", name="Email me a code").click()
    assert_error_state(page, "Enter your email address")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(page)
    page.get_by_label("The code from the email").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    assert_error_state(page, "That code is not right. Check the email and type the code again.")
    page.get_by_label("The code from the email").fill(email_code(mail.outbox[-1]))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My projects")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign out").click()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_sign_up_and_password_reset_with_and_without_mistakes(
    live_server: Any, phone: Page, user: Any, settings: Any
):
    settings.SITE_URL = live_server.url
    page, url = phone, live_server.url
    visit(page, url + "/accounts/signup/")
    assert "at least 8 characters" in description_of(page, "#id_password1")
    page.get_by_label("Email address").fill("maya@")
    page.get_by_label("Your name").fill("Maya")
    page.get_by_role("button", name="Create my account").click()
    assert_error_state(page, "Enter a full email address, like name@example.org.")
    expect(page.get_by_label("Your name")).to_have_value("Maya")
    # With an error shown, the rules are still part of the description.
    assert "at least 8 characters" in description_of(page, "#id_password1")
    # A successful sign-up and confirmation are walked in test_sign_up_flow.py.
    visit(page, url + "/accounts/confirm-email/not-a-key/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")

    visit(page, url + "/accounts/password/reset/")
    page.get_by_role("button", name="Email me a link").click()
    assert_error_state(page, "Enter your email address")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", str(mail.outbox[-1].body))
    assert link
    visit(page, link.group(0))
    assert "at least 8 characters" in description_of(page, "#id_password1")
    page.get_by_label("New password", exact=True).fill(PASSWORD + "x")
    page.get_by_role("button", name="Save my new password").click()
    assert_error_state(page, "Enter the new password again")
    page.get_by_label("New password", exact=True).fill(PASSWORD + "x")
    page.get_by_label("New password again").fill(PASSWORD + "x")
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is changed")
    assert_accessible(page)
    visit(page, link.group(0))  # used once: now it says so
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")

    settings.ACCOUNT_ALLOW_SIGNUP = False
    visit(page, url + "/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You need an invitation to join")


def test_account_pages_with_and_without_mistakes(live_server: Any, phone: Page, expert: Any):
    page, url = phone, live_server.url
    sign_in(page, live_server, expert)
    visit(page, url + "/accounts/email/")
    page.get_by_role("button", name="Add this address").click()
    assert_error_state(page, "Enter the email address to add")

    visit(page, url + "/accounts/password/change/")
    assert "at least 8 characters" in description_of(page, "#id_password1")
    page.get_by_label("Your current password").fill("wrong")
    page.get_by_role("button", name="Change my password").click()
    assert_error_state(page, "That is not your current password. Type it again.")
    assert "at least 8 characters" in description_of(page, "#id_password1")

    # Two-step sign-in: changing it asks for the password again first.
    visit(page, url + "/accounts/2fa/")
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    assert_accessible(page)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Confirm").click()
    assert_error_state(page, "That password is not right. Try again.")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    assert_accessible(page)
    page.get_by_label("The code from your authenticator app").fill("123")
    page.get_by_role("button", name="Turn it on").click()
    assert_error_state(page)

    TOTP.activate(expert, generate_totp_secret())
    RecoveryCodes.activate(expert)
    visit(page, url + "/accounts/2fa/")
    visit(page, url + "/accounts/2fa/recovery-codes/")
    visit(page, url + "/accounts/2fa/recovery-codes/generate/")
    visit(page, url + "/accounts/2fa/totp/deactivate/")


def test_two_step_sign_in_with_and_without_mistakes(live_server: Any, phone: Page, staff: Any):
    TOTP.activate(staff, generate_totp_secret())
    page, url = phone, live_server.url
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email address").fill(staff.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your app")
    assert_accessible(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    assert_error_state(page)
