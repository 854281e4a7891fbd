"""What every form that comes back with mistakes shows (templates/_error_summary.html)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.http import HttpResponse

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse


def assert_error_page(
    response: HttpResponse | _MonkeyPatchedWSGIResponse, *, field_id: str = "", kept: str = ""
) -> str:
    """The page came back (200) with "Error:" in its title and the error summary before the
    page's heading, every link in it leading to an element on the page; it links to
    `field_id`, whose input is described by its error (`<field_id>_error`); `kept` (what was
    typed) is still on the page. Returns the page."""
    assert response.status_code == 200
    html = response.content.decode()
    title = html.split("<title>")[1].split("</title>")[0]
    assert title.startswith("Error:"), title
    summary = html.index('class="error-summary"')
    assert summary < html.index("<h1"), "the error summary is not at the top of the page"
    assert "autofocus" in html[summary : summary + 200]
    # Every link in the summary leads somewhere ("Press the button to confirm" had linked to
    # an id no element had, so following it did nothing).
    for target in re.findall(r'href="#([^"]+)"', summary_of(html)):
        assert f'id="{target}"' in html, f"the error summary links to #{target}, which is not there"
    if field_id:
        base = field_id.removesuffix("_0")
        assert f'href="#{field_id}"' in html
        assert f'id="{base}_error"' in html
        described = rf'aria-describedby="[^"]*\b{re.escape(base)}_error\b'
        assert re.search(described, html), f"nothing is described by {base}_error"
    if kept:
        assert kept in html
    return html


def summary_of(html: str) -> str:
    """The text of the error summary."""
    start = html.index('class="error-summary"')
    return html[start : html.index("</div>", start)]
