"""Browser tests: Playwright driving Debian's Chromium, with axe-core checking each page.

Never `playwright install`: it downloads a browser, which this project does not need.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

# Playwright's sync API runs an event loop; Django's ORM refuses to run inside one unless told.
# Only the browser tests set this, never the site's settings.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM.exists() or os.environ.get("REQUIRE_BROWSER_TESTS"):
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def phone_page(page: Page) -> Page:
    """The narrowest screen we support: 320 px wide."""
    page.set_viewport_size({"width": 320, "height": 640})
    return page


def assert_accessible(page: Page) -> None:
    """axe-core finds no violation, nothing scrolls sideways, and no script is needed.

    The site ships no JavaScript at all, so a page without a script element works the same
    with JavaScript switched off.
    """
    assert page.locator("script").count() == 0, f"{page.url} includes a script"
    results = _axe_once_loaded(page)
    assert results.violations_count == 0, results.generate_report()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def _axe_once_loaded(page: Page) -> Any:
    """axe-core's results for the page a click has just led to. A test often checks straight
    after a click; if the next page is still replacing the last one, axe finds no document
    ("Cannot read properties of null"), so it waits for the new page and runs once more."""
    page.wait_for_load_state("load")
    try:
        return Axe().run(page)
    except PlaywrightError as error:
        if "documentElement" not in str(error) and "context was destroyed" not in str(error):
            raise
    page.wait_for_load_state("load")
    return Axe().run(page)


def sign_in(page: Page, live_server: Any, user: Any) -> None:
    """Give the browser a signed-in session for `user` without going through the form."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.fixture
def catalogue(
    project: Any,
    expert: Any,
    expert2: Any,
    practitioner: Any,
    practitioner2: Any,
    commissioner: Any,
    outsider: Any,
    superuser: Any,
    user_factory: Any,
) -> Any:
    """Every page type with the persona to view it as (tests/browser/catalogue.py)."""
    from tests.browser import catalogue as pages

    people = {
        "project": project,
        "expert": expert,
        "expert2": expert2,
        "practitioner": practitioner,
        "practitioner2": practitioner2,
        "practitioner3": user_factory(email="practitioner3@example.org", display_name="Priya"),
        "commissioner": commissioner,
        "outsider": outsider,
        "superuser": superuser,
    }
    return pages.seed(people)
