"""The evaluation report on a phone: charts, tables, the team's summary and the findings, with
nothing to scroll sideways and nothing axe-core objects to, also when a save is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from evaluation.services.report import add_finding, save_summary
from participation.models import Attendance, Presence
from participation.services import activities
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTS = {
    "aim": "Design a housing service with the people who will use it.",
    "lived_experience": "Drop-in hours moved to the evening.",
}


@pytest.fixture
def report_with_data(project, practitioner, expert, expert2, practitioner2):
    held = activities.plan_activity(
        project=project,
        actor=practitioner,
        kind="workshop",
        title="Planning the drop-in",
        starts_at=timezone.now() - timedelta(days=2),
        duration_minutes=90,
        place="Brixton Library, room 2",
    )
    for person in (expert, expert2, practitioner):
        Attendance.objects.create(activity=held, user=person, presence=Presence.ATTENDED)
    save_summary(project=project, author=expert, based_on=0, parts=PARTS)
    add_finding(
        project=project,
        author=expert2,
        title="Evening sessions suit people in work",
        found="Four of the six people we spoke to could not come during the day.",
        method="Six interviews at the day centre",
        activity=held,
        named=True,
    )
    return project


def test_the_report_reads_on_a_phone_with_its_chart_and_tables(
    live_server, phone_page: Page, report_with_data, practitioner2
):
    sign_in(phone_page, live_server, practitioner2)
    phone_page.goto(f"{live_server.url}/projects/{report_with_data.slug}/evaluation/")
    assert phone_page.locator("h1").inner_text() == "Evaluation report"
    chart = phone_page.locator("svg.chart").first
    assert chart.get_attribute("role") == "img"
    box = chart.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 320
    assert phone_page.get_by_text("Found by Eli.").is_visible()
    assert_accessible(phone_page)


def test_a_refused_summary_save_reads_on_a_phone(
    live_server, phone_page: Page, report_with_data, practitioner2, expert
):
    sign_in(phone_page, live_server, practitioner2)
    phone_page.goto(f"{live_server.url}/projects/{report_with_data.slug}/evaluation/")
    # Erin saves a new version while Petra is writing hers.
    save_summary(project=report_with_data, author=expert, based_on=1, parts={"aim": "Erin's."})
    phone_page.locator('[name="summary-aim"]').fill("Petra's aim.")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="Save the summary").click()
    assert phone_page.title().startswith("Error:")
    assert "Erin saved a new version" in phone_page.locator(".error-summary").inner_text()
    assert phone_page.locator('[name="summary-aim"]').input_value() == "Petra's aim."
    assert_accessible(phone_page)
