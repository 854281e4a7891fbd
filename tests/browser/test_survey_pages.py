"""An expert by experience answers the stage check on a 320 px phone: from My projects to the
survey, an empty save shown in the error pattern, the answers saved, and the confirmation.
axe-core checks every page on the way."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from playwright.sync_api import Page, expect

from evaluation.instruments import ensure_built_in
from evaluation.models import SurveyResponse
from projects.models import Project, Stage
from projects.services.projects import change_stage
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_expert_answers_the_stage_check_from_their_phone(
    live_server, phone_page: Page, project, expert2
):
    ensure_built_in()  # a live-server test empties every table before it runs
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        change_stage(project=locked, to=Stage.DELIVERY, actor=None, reason="both groups agreed.")
    page = phone_page
    sign_in(page, live_server, expert2)

    page.goto(live_server.url + reverse("dashboard"))
    waiting = page.get_by_role("region", name="Surveys waiting for you")
    link = waiting.get_by_role(
        "link", name="Housing First in Lambeth: How well did we work together in this stage?"
    )
    expect(link).to_be_visible()
    assert_accessible(page)

    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How well did we work together in this stage?"
    )
    co_design = page.get_by_label("Co-design")
    expect(co_design).to_have_accessible_description(
        "People helped to design things and really changed them, "
        "but were not involved in seeing them through."
    )
    expect(
        page.get_by_label("The project team may see my name with my comment")
    ).not_to_be_checked()
    assert_accessible(page)

    page.get_by_role("button", name="Save my answers").click()
    expect(page).to_have_title(
        "Error: How well did we work together in this stage? · Housing First in Lambeth · coproduce"
    )
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Answer at least one question, or write a comment, then save.")
    assert_accessible(page)

    summary.get_by_role("link").click()
    expect(page.locator("#id_rung_0")).to_be_focused()
    co_design.check()
    page.get_by_role("group", name="Were everyone's views and skills valued equally?").get_by_label(
        "Mostly"
    ).check()
    page.get_by_label("Is there anything else you want to say about this stage?").fill(
        "The evening meetings made it possible for me to come."
    )
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. Your answers are saved.")
    assert_accessible(page)
    saved = SurveyResponse.objects.get(respondent=expert2)
    assert sorted(saved.answers.values_list("item__key", "value")) == [
        ("comment", None),
        ("equality", 4),
        ("rung", 6),
    ]
    assert saved.named is False
