"""On a 320 px phone: a co-lead invites by email; the invitee follows the link, signs up with
the address already filled in and verified, and lands in the project."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from coproduce.models import User
from participation.services.invitations import invite, revoke
from participation.tokens import invitation_token, unsubscribe_token
from projects.models import Membership, Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_invitee_follows_the_emailed_link_signs_up_and_lands_in_the_project(
    live_server, phone_page: Page, project, practitioner
):
    page = phone_page
    sign_in(page, live_server, practitioner)
    page.goto(f"{live_server.url}/projects/{project.slug}/invitations/")
    assert_accessible(page)
    page.get_by_label("Their name (optional)").fill("Maya")
    page.get_by_label("Their email address").fill("maya@example.org")
    page.get_by_label("Expert by experience").check()
    page.get_by_label("A personal message (optional)").fill("We would love your view.")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to Maya.")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()  # the co-lead hands over the phone
    [email] = mail.outbox
    link = re.search(r"https?://\S+(/invitations/\S+/)", str(email.body))
    assert link
    page.goto(live_server.url + link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You are invited to join Housing First in Lambeth"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Create an account and join").click()

    expect(page.get_by_label("Email address")).to_have_value("maya@example.org")
    assert_accessible(page)
    page.get_by_label("Your name").fill("Maya")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Housing First in Lambeth")
    assert_accessible(page)
    maya = User.objects.get(email="maya@example.org")
    assert Membership.objects.get(project=project, user=maya).role == Role.EXPERT_BY_EXPERIENCE
    assert len(mail.outbox) == 1  # no second verification email


def test_the_other_invitation_and_notification_pages_work_on_a_phone(
    live_server, phone_page: Page, project, practitioner, outsider
):
    page = phone_page
    withdrawn = invite(
        project=project, role=Role.PRACTITIONER, inviter=practitioner, phone="07700900123"
    ).invitation
    revoke(invitation=withdrawn)
    page.goto(f"{live_server.url}/invitations/{invitation_token(withdrawn)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation was withdrawn")
    assert_accessible(page)

    sign_in(page, live_server, practitioner)
    page.goto(f"{live_server.url}/projects/{project.slug}/invitations/bulk/")
    assert_accessible(page)
    page.get_by_label("Paste the list").fill(
        "name,email,phone,role\nSam,sam@example.org,,expert\nBad,not-an-email,,practitioner"
    )
    page.get_by_role("button", name="Check the list").click()
    expect(page.get_by_text("Nothing has been sent yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send 1 invitation").click()
    expect(page.get_by_text("1 invitation sent.")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/notifications/")
    assert_accessible(page)
    page.get_by_label("Text message", exact=True).check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Add your mobile number to get text messages.").first).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    token = unsubscribe_token(outsider.pk, "decisions")
    page.goto(f"{live_server.url}/notifications/unsubscribe/{token}/")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, stop these messages").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Done")
    assert_accessible(page)
