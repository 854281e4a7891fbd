"""On a 320 px phone: the easy-read version of an open decision (and its large print), and the
co-leads' "Texts to look at" page; each passes axe-core and needs no script."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from participation.models import InboundText, TextOutcome
from tests.browser.conftest import assert_accessible, sign_in
from tests.gate_helpers import made_open_gate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 18pt is 24 CSS pixels: the smallest type the easy-read page may print in.
EIGHTEEN_POINT = 24


def test_a_member_opens_the_easy_read_version_and_it_prints_in_large_type(
    live_server, phone_page: Page, project, expert2
):
    gate = made_open_gate(project)
    page = phone_page
    sign_in(page, live_server, expert2)
    page.goto(live_server.url + gate.get_absolute_url())
    page.get_by_role("link", name="Print an easy-read version").click()
    expect(page.get_by_role("heading", level=2, name="How to vote")).to_be_visible()
    expect(page.get_by_text(f"NO {gate.text_code} too far from the bus")).to_be_visible()
    assert_accessible(page)

    page.emulate_media(media="print")
    sizes = page.eval_on_selector_all(
        ".easy-read p, .easy-read li, .easy-read dd, .easy-read dt",
        "nodes => nodes.filter(n => n.offsetParent !== null)"
        ".map(n => parseFloat(getComputedStyle(n).fontSize))",
    )
    assert sizes and min(sizes) >= EIGHTEEN_POINT, sizes
    expect(page.locator(".site-header")).to_be_hidden()


def test_a_co_lead_reads_a_text_and_marks_it_as_dealt_with_on_a_phone(
    live_server, phone_page: Page, project, practitioner, expert2
):
    text = InboundText.objects.create(
        provider="fake",
        message_id="browser-1",
        sender="+447700900123",
        body="Cant come tuesday, can someone ring me",
        user=expert2,
        outcome=TextOutcome.NOT_UNDERSTOOD,
        reply="Sorry, we did not understand. Reply YES, NO or PASS with the code.",
    )
    text.projects.add(project)
    page = phone_page
    sign_in(page, live_server, practitioner)
    page.goto(live_server.url + project.get_absolute_url())
    page.get_by_role("link", name="Read the texts and deal with them").click()
    expect(page.get_by_role("heading", level=2, name="From Eli")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Mark as dealt with").click()
    expect(page.get_by_text("Marked as dealt with.")).to_be_visible()
    assert_accessible(page)
    text.refresh_from_db()
    assert text.dealt_with_by == practitioner
