"""Screenshots of the key pages, on a phone and on a desktop, for the README.

`make screenshots` saves them to docs/screenshots/ (SCREENSHOT_DIR); in the normal test run
they go to a temporary folder, so the pages are still checked (axe-core on each) without
changing the committed pictures. Phone shots show the whole page, desktop shots the first
screen, which keeps each file small.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import FloatRect, Page, ViewportSize

from tests.browser.catalogue import open_entry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True),
]

# file name -> catalogue entry, in the order a new member meets them.
KEY_PAGES = {
    "invitation": "Invitation",
    "join-from-invitation": "Join from an invitation",
    "my-projects": "My projects",
    "vote": "A vote, not yet cast",
    "result": "A result with an objection",
    "sign-off": "Sign-off",
}
SCREENS = {
    "phone": ViewportSize(width=360, height=740),
    "desktop": ViewportSize(width=1280, height=900),
}
# A phone shot longer than this many screens is cut there: enough to see the page.
PHONE_SCREENS = 3


def test_the_key_pages_are_photographed_on_a_phone_and_a_desktop(
    live_server, page: Page, catalogue, tmp_path: Path
):
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for screen, size in SCREENS.items():
        page.set_viewport_size(size)
        for name, entry in KEY_PAGES.items():
            open_entry(page, live_server.url, catalogue, catalogue.entry(entry))
            results = Axe().run(page)
            assert results.violations_count == 0, f"{entry}: {results.generate_report()}"
            path = folder / f"{name}-{screen}.png"
            if screen == "phone":
                height = min(
                    page.evaluate("document.documentElement.scrollHeight"),
                    PHONE_SCREENS * size["height"],
                )
                clip = FloatRect(x=0, y=0, width=size["width"], height=height)
                page.screenshot(path=path, full_page=True, clip=clip)
            else:
                page.screenshot(path=path)
            assert path.stat().st_size > 0
