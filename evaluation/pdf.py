"""The evaluation report as a PDF, made with xhtml2pdf from `evaluation/report_pdf.html`.

An organisation attaches it to a commissioning paper, so it holds everything the page shows,
every table included, with the charts as PNG images. The PDF fetches nothing: the charts are
written into it as data, and any other address a page might name is refused, so that no text
anyone typed can make the server fetch a file or a web page (the fonts, named by the server,
are the only files it reads).
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib
from django.template.loader import render_to_string
from django.utils import timezone
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from projects.models import RecordCheck
from projects.services.record import describe

from .selectors.report import Report

# PDF's built-in fonts hold Western European letters only: a name such as "Łucja" or "Nguyễn"
# would print as boxes. DejaVu Sans, which matplotlib ships for its charts, has them.
FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
REGULAR = FONTS / "DejaVuSans.ttf"
BOLD = FONTS / "DejaVuSans-Bold.ttf"


class PdfError(Exception):
    """xhtml2pdf could not make the PDF."""


def _data_only(uri: str, rel: str) -> str:
    """xhtml2pdf's link callback: data written into the page and our two font files, and
    nothing from elsewhere."""
    if uri.startswith("data:") or uri in (str(REGULAR), str(BOLD)):
        return uri
    return ""


def report_pdf(report: Report, *, record: RecordCheck | None = None) -> bytes:
    """The report as PDF bytes. `report` should be built with `for_pdf=True` (PNG charts);
    `record` is the project's last record check (None: not checked yet), said near the top.
    Raises PdfError when xhtml2pdf reports an error."""
    charts = {
        shown.indicator.key: "data:image/png;base64," + base64.b64encode(shown.png).decode()
        for shown in report.figures
        if shown.png
    }
    html = render_to_string(
        "evaluation/report_pdf.html",
        {
            "report": report,
            "project": report.project,
            "charts": charts,
            "record": record,
            "record_words": describe(record) if record is not None else "",
            "made": timezone.now(),
            "regular": str(REGULAR),
            "bold": str(BOLD),
        },
    )
    out = io.BytesIO()
    # xhtml2pdf's limits for HTML one did not write all on, no network, and local reads only
    # in matplotlib's font folder.
    policy = ResourceAccessPolicy.server(FONTS, allow_remote=False)
    result = pisa.CreatePDF(
        html, dest=out, link_callback=_data_only, encoding="utf-8", resource_policy=policy
    )
    if result.err:
        raise PdfError(f"xhtml2pdf reported {result.err} error(s)")
    return out.getvalue()
