"""Tables on a phone: every table fits the screen, or scrolls inside a region that says so."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from projects.models import Choice
from projects.services import gates
from tests.browser.conftest import assert_accessible, sign_in
from tests.gate_helpers import open_gate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [320, 360])
def test_the_results_table_fits_a_phone_screen(
    live_server, page: Page, width, project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    for voter in (expert, expert2, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    page.set_viewport_size({"width": width, "height": 640})
    sign_in(page, live_server, expert2)
    page.goto(live_server.url + gate.get_absolute_url())

    for table in page.locator("table").all():
        # Should a table ever outgrow the screen, it scrolls in a region one can reach by
        # keyboard, and whose name says what it holds.
        region = table.locator("xpath=..")
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("aria-label")
        box = table.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
        # Every cell is on the screen, none cut off by a scrolling container.
        for cell in table.locator("th, td").all():
            cell_box = cell.bounding_box()
            assert cell_box is not None
            assert cell_box["x"] + cell_box["width"] <= width + 0.5, cell.inner_text()
    assert_accessible(page)
