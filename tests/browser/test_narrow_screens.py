"""Every page type, on a 320 px screen, at the normal text size and with text at 200 %.

Nothing scrolls sideways, no control is cut off, and axe-core finds nothing. On failure the
test lists every page that failed, by how many pixels, and the element that sticks out most.

Text at 200 %: people who need large text set their browser's default font size, which is
what WCAG 1.4.4 asks a page to survive. Chromium offers that setting to a test through the
DevTools protocol (`Page.setFontSizes`): the default font size goes from 16 px to 32 px, and
every size the site gives in rem or em doubles with it. Scaling the page with a style tag
instead would double only what our own CSS sizes, and page zoom would also narrow the viewport,
which is a different test.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.catalogue import Catalogue, open_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NORMAL_TEXT = 16  # Chromium's default font size, px
LARGE_TEXT = 2 * NORMAL_TEXT

# Measures, in the page, how far it scrolls sideways, which element reaches furthest right,
# and which controls end outside the screen. A control inside a region that scrolls on its own
# (a wide table's labelled region) can be scrolled to, so it does not count as cut off.
MEASURE = """
() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      const page = p === document.documentElement || p === document.body;
      if ((x === 'auto' || x === 'scroll') && !page) return true;
    }
    return false;
  };
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    if (el.classList.length) name += '.' + [...el.classList].join('.');
    const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim();
    return name + (text ? ' "' + text.replace(/\\s+/g, ' ').slice(0, 40) + '"' : '');
  };
  let widest = null, right = width;
  for (const el of document.body.querySelectorAll('*')) {
    if (scrolls(el)) continue;
    const box = el.getBoundingClientRect();
    const end = box.right + (parseFloat(getComputedStyle(el).marginRight) || 0);
    if (box.width && end > right + 0.5) { right = end; widest = el; }
  }
  // A word too long for its box sticks out of it without widening it: measure the text too.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement || scrolls(node.parentElement) || !node.textContent.trim()) continue;
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width && box.right > right + 0.5) { right = box.right; widest = node.parentElement; }
  }
  const cut = [];
  const controls = 'input, select, textarea, button, a.button, summary';
  for (const el of document.querySelectorAll(controls)) {
    const box = el.getBoundingClientRect();
    if (!box.width || scrolls(el) || el.closest('.visually-hidden, .skip-link')) continue;
    if (box.left < -0.5 || box.right > width + 0.5) {
      cut.push(describe(el) + ' ends at ' + Math.round(box.right) + 'px');
    }
  }
  return {
    overflow: document.documentElement.scrollWidth - width,
    widest: widest ? describe(widest) + ' ends at ' + Math.round(right) + 'px' : '',
    cut: cut,
  };
}
"""


def set_text_size(page: Page, px: int) -> None:
    """Set the browser's default font size, as a person does in its settings."""
    session = page.context.new_cdp_session(page)
    session.send("Page.enable")
    session.send("Page.setFontSizes", {"fontSizes": {"standard": px, "fixed": px}})


def problems_at_320(page: Page) -> list[str]:
    """What sticks out on the current page: [] when it fits."""
    found: dict[str, Any] = page.evaluate(MEASURE)
    problems = []
    if found["overflow"] > 0:
        problems.append(f"scrolls sideways by {found['overflow']}px; widest: {found['widest']}")
    problems += [f"cut off: {control}" for control in found["cut"]]
    return problems


def check_every_page(
    page: Page, base_url: str, catalogue: Catalogue, *, text: int, axe: bool = False
) -> list[str]:
    """Visit every catalogue page at 320 px with default text size `text`; one line per fault."""
    page.set_viewport_size({"width": 320, "height": 640})
    set_text_size(page, text)
    faults = []
    for entry in catalogue.entries:
        open_entry(page, base_url, catalogue, entry)
        size = page.evaluate("getComputedStyle(document.documentElement).fontSize")
        assert size == f"{text * 1.125:g}px", f"the text size did not take: {size}"
        where = f"{entry.name} ({entry.path}, as {entry.persona or 'nobody signed in'})"
        faults += [f"{where}: {problem}" for problem in problems_at_320(page)]
        if axe:
            results = Axe().run(page)
            if results.violations_count:
                faults.append(f"{where}: axe-core\n{results.generate_report()}")
    return faults


def test_no_page_scrolls_sideways_on_a_320px_screen(live_server, page: Page, catalogue):
    faults = check_every_page(page, live_server.url, catalogue, text=NORMAL_TEXT, axe=True)
    assert not faults, f"{len(faults)} faults on {len(catalogue.entries)} pages:\n" + "\n".join(
        faults
    )


def test_no_page_scrolls_sideways_on_a_320px_screen_with_text_at_200_percent(
    live_server, page: Page, catalogue
):
    faults = check_every_page(page, live_server.url, catalogue, text=LARGE_TEXT)
    assert not faults, f"{len(faults)} faults on {len(catalogue.entries)} pages:\n" + "\n".join(
        faults
    )
