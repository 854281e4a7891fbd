"""The one error pattern in a browser on a 360 px phone: the summary takes focus, the title
says "Error:", its link moves focus to the field; a message after an action takes focus so
that screen readers read it. axe-core checks every state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from participation.models import Contribution
from tests.browser.conftest import assert_accessible, sign_in
from tests.gate_helpers import open_gate

ERROR_TITLE = re.compile(r"^Error: ")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_360(page: Page) -> Page:
    page.set_viewport_size({"width": 360, "height": 740})
    return page


def active_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement.id || document.activeElement.className"))


def test_a_vote_sent_with_nothing_chosen_puts_focus_on_the_summary_then_the_first_option(
    live_server, phone_360: Page, project, practitioner, expert, expert2
):
    page = phone_360
    gate = open_gate(project, practitioner, expert)
    sign_in(page, live_server, expert2)
    page.goto(live_server.url + gate.get_absolute_url())
    page.get_by_label("Your reason").fill("Not sure about the evenings.")
    page.get_by_role("button", name="Send my vote").click()

    # Waits for the page the button sent: reading the title mid-navigation gives "".
    expect(page).to_have_title(ERROR_TITLE)
    assert active_id(page) == "error-summary"
    expect(page.locator(".error-summary")).to_contain_text("Choose approve, object or abstain.")
    expect(page.get_by_label("Your reason")).to_have_value("Not sure about the evenings.")
    assert_accessible(page)

    page.locator(".error-summary a").first.click()
    assert active_id(page) == "id_choice_0"


def test_a_saved_vote_message_takes_focus_so_it_is_read_out(
    live_server, phone_360: Page, project, practitioner, expert, expert2
):
    page = phone_360
    gate = open_gate(project, practitioner, expert)
    sign_in(page, live_server, expert2)
    page.goto(live_server.url + gate.get_absolute_url())
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("Your vote is saved.")).to_be_visible()
    assert active_id(page) == "messages"
    assert_accessible(page)


def test_an_empty_response_to_an_idea_and_an_empty_invitation_are_clear_and_accessible(
    live_server, phone_360: Page, project, expert, expert2
):
    page = phone_360
    idea = Contribution.objects.create(
        project=project, author=expert2, stage=project.stage, body="Evening hours."
    )
    sign_in(page, live_server, expert)
    page.goto(f"{live_server.url}/projects/{project.slug}/ideas/")
    page.get_by_role("button", name="Record response").click()
    expect(page).to_have_title(ERROR_TITLE)
    assert active_id(page) == "error-summary"
    assert_accessible(page)
    page.locator(".error-summary a").first.click()
    assert active_id(page) == f"respond-{idea.pk}-outcome_0"  # "What happened?" comes first

    page.goto(f"{live_server.url}/projects/{project.slug}/invitations/")
    page.get_by_label("Their email address").fill("sam@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page).to_have_title(ERROR_TITLE)
    assert active_id(page) == "error-summary"
    expect(page.locator(".error-summary")).to_contain_text("Choose the role they will have.")
    assert_accessible(page)


def test_opening_voting_with_no_hours_says_what_to_enter(
    live_server, phone_360: Page, project, practitioner, expert
):
    from projects.services import gates
    from tests.gate_helpers import lived_take_part

    page = phone_360
    lived_take_part(project, expert)
    gate = gates.draft_gate(project=project, actor=practitioner, proposal="Go.", what_changes="X")
    sign_in(page, live_server, practitioner)
    page.goto(live_server.url + gate.get_absolute_url())
    page.get_by_label("How many hours should voting stay open?").fill("")
    page.get_by_role("button", name="Open voting").click()
    expect(page).to_have_title(ERROR_TITLE)
    expect(page.locator(".error-summary")).to_contain_text("Enter how many hours voting stays open")
    assert_accessible(page)
