"""Charts of an indicator's table, drawn with matplotlib: SVG for the page, PNG for the PDF.

The SVG goes into the page itself, so it must live with the site's content security policy,
which allows no inline style: matplotlib's `style="..."` attributes and `<style>` element are
rewritten as SVG presentation attributes (`fill="..."`), which the policy does not touch. It
gets a `<title>` and a `<desc>` (read out by screen readers; the same figures are in the table
beside it) and ids of its own, so that several charts can share a page. Nothing needs
JavaScript.

matplotlib keeps global state (its settings, its font cache): charts are drawn one at a time,
under a lock, with the object-oriented API and the Agg backend (no pyplot, no display), so
that threads serving pages at the same time cannot mix their charts up.
"""

from __future__ import annotations

import functools
import io
import re
import textwrap
import threading
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

import matplotlib
from django.utils.translation import get_language
from django.utils.translation import gettext as _

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .indicators import Cell, Indicator, Unit

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

# Dark enough on white for text and bars alike (contrast 4.5:1 or more), told apart by shade
# and by the labels at the ends of the bars, never by colour alone.
COLOURS = ("#1d4f91", "#8a4b00", "#00703c", "#6f2c91")
FONT = "sans-serif"
# Narrow, so that at a phone's 320 px the labels stay about the size of the page's small text
# (the SVG is scaled to the width of the column; the page caps its width on wide screens).
WIDTH_INCHES = 3.6
ROW_INCHES = 0.42
LINE_INCHES = 0.22  # one line of text
LABEL_CHARACTERS = 16  # a row's label is wrapped at this many characters
LEGEND_CHARACTERS = 32
AXIS_CHARACTERS = 24  # under the bars, beside the row labels: narrower than the chart
PNG_DPI = 150
CACHED = 256  # charts kept drawn: a few hundred kilobytes

SETTINGS: Any = {
    "svg.fonttype": "none",  # text stays text: found, read out and enlarged with the page
    "svg.hashsalt": "coproduce",  # the same chart makes the same SVG
    "font.family": "DejaVu Sans",
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

_lock = threading.Lock()


def _number(cell: Cell) -> float | None:
    if isinstance(cell, bool) or cell is None or isinstance(cell, str):
        return None
    if isinstance(cell, int | float | Decimal):
        return float(cell)
    return None


def description(indicator: Indicator) -> str:
    """What the chart shows, in words, for its `<desc>`: the summary and where the figures
    are."""
    return f"{indicator.summary} {_('The figures are in the table with the chart.')}"


def _figure(indicator: Indicator) -> Figure | None:
    chart = indicator.chart
    table = indicator.table
    if chart is None or not table.rows:
        return None
    rows = table.rows
    # Long words wrapped, so that a narrow chart keeps its labels whole.
    labels = [textwrap.fill(str(row[0]), LABEL_CHARACTERS) for row in rows]
    series = [
        (textwrap.fill(str(table.columns[i]), LEGEND_CHARACTERS), [_number(row[i]) for row in rows])
        for i in chart.series
    ]
    # A figure with nothing shown (all hidden, or not yet recorded) takes no room in the chart.
    series = [(name, values) for name, values in series if any(v is not None for v in values)]
    if not any(value for _name, values in series for value in values):
        return None  # nothing, or only zeros: the table says so better than empty axes
    lines = max(label.count("\n") + 1 for label in labels)
    legend_lines = sum(name.count("\n") + 1 for name, _values in series) if len(series) > 1 else 0
    height = (
        1.0 + ROW_INCHES * len(rows) * max(1, len(series), lines / 2) + LINE_INCHES * legend_lines
    )
    figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
    axes = figure.add_subplot()
    bar = 0.8 / len(series)
    positions = range(len(rows))
    for index, (name, values) in enumerate(series):
        offsets = [p - 0.4 + bar * (index + 0.5) for p in positions]
        drawn = [(o, v) for o, v in zip(offsets, values, strict=True) if v is not None]
        if not drawn:
            continue
        bars = axes.barh(
            [o for o, _v in drawn],
            [v for _o, v in drawn],
            height=bar * 0.9,
            color=COLOURS[index % len(COLOURS)],
            label=name,
        )
        axes.bar_label(bars, labels=[_written(v, chart.unit) for _o, v in drawn], padding=3)
    axes.set_yticks(list(positions), labels=labels)
    # The first row at the top, as in the table, with half a row of room at each end.
    axes.set_ylim(len(rows) - 0.5, -0.5)
    top = chart.maximum or max(v for _n, values in series for v in values if v is not None)
    axes.set_xlim(0, (top or 1) * 1.12)
    if unit_is_whole(chart.unit):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if len(series) > 1:
        # Above the bars, never over them; one entry a line, as long names need.
        figure.legend(loc="outside upper left", ncols=1, frameon=False)
    else:
        # Which figure the bars are, as the legend would; wrapped to the width under the bars.
        axes.set_xlabel(textwrap.fill(" ".join(series[0][0].split()), AXIS_CHARACTERS))
    return figure


def unit_is_whole(unit: Unit) -> bool:
    """Whether the figures are counts, so the axis has no ticks between whole numbers."""
    return unit in (Unit.COUNT,)


def _written(value: float, unit: Unit) -> str:
    shown = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return f"{shown}%" if unit == Unit.PERCENT else shown


def svg(indicator: Indicator) -> str:
    """The indicator's chart as an inline `<svg>` element (text), or "" when it has no chart
    or nothing to draw."""
    if not _hashable(indicator):
        return _svg.__wrapped__(indicator, get_language())
    return _svg(indicator, get_language())


def png(indicator: Indicator) -> bytes:
    """The indicator's chart as PNG bytes for the PDF, or b"" when there is nothing to draw."""
    if not _hashable(indicator):
        return _png.__wrapped__(indicator, get_language())
    return _png(indicator, get_language())


def _hashable(indicator: Indicator) -> bool:
    """Whether the indicator can key the cache (a source that put a list in it cannot)."""
    try:
        hash(indicator)
    except TypeError:
        return False
    return True


# Drawing takes a good part of a second, and the same figures make the same chart: the latest
# charts are kept, keyed by the whole indicator (a frozen dataclass: its title, figures and
# sentences) and the language its words are in.
@functools.lru_cache(maxsize=CACHED)
def _svg(indicator: Indicator, language: str | None) -> str:
    with _lock, matplotlib.rc_context(SETTINGS):
        figure = _figure(indicator)
        if figure is None:
            return ""
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return _for_the_page(out.getvalue(), indicator)


@functools.lru_cache(maxsize=CACHED)
def _png(indicator: Indicator, language: str | None) -> bytes:
    with _lock, matplotlib.rc_context(SETTINGS):
        figure = _figure(indicator)
        if figure is None:
            return b""
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return out.getvalue()


_STYLE_PAIR = re.compile(r"\s*([\w-]+)\s*:\s*([^;]+)")
_DECIMAL = re.compile(r"-?\d+\.\d{2,}")
_NO_TURN = re.compile(r"rotate\(-?0 [-\d.]+ [-\d.]+\)")
# Attributes holding coordinates; a tenth of a unit is under a fifth of a pixel on a phone.
_COORDINATES = ("d", "x", "y", "x1", "x2", "y1", "y2", "width", "height", "transform", "points")


def _slimmed(root: ET.Element) -> None:
    """Take out of matplotlib's SVG what draws nothing: the id of every element nothing
    points at, the groups left with no attribute (their children move up), the indenting
    between elements, and coordinates past the first decimal. A chart of 5 decisions went from
    11.3 to 5 KB; the evaluation report holds 10 of them."""
    pointed_at = set()
    for element in root.iter():
        for value in element.attrib.values():
            pointed_at.update(re.findall(r"url\(#([^)]+)\)", value))
            if value.startswith("#"):
                pointed_at.add(value[1:])
    for element in root.iter():
        if element.get("id") not in pointed_at:
            element.attrib.pop("id", None)
        for name in _COORDINATES:
            if name in element.attrib:
                value = _DECIMAL.sub(_one_decimal, element.attrib[name])
                element.set(name, " ".join(value.split()))
        if _NO_TURN.fullmatch(element.get("transform", "")):
            del element.attrib["transform"]
        if element.text is not None and not element.text.strip():
            element.text = None
        element.tail = None
    group = f"{{{SVG}}}g"
    for parent in list(root.iter()):
        index = 0
        while index < len(parent):
            child = parent[index]
            if child.tag == group and not child.attrib:
                parent[index : index + 1] = list(child)
            elif child.tag == f"{{{SVG}}}defs" and not len(child):
                del parent[index]
            else:
                index += 1


def _one_decimal(number: re.Match[str]) -> str:
    return f"{float(number.group()):.1f}".removesuffix(".0")


def _for_the_page(text: str, indicator: Indicator) -> str:
    """matplotlib's SVG made fit to sit inside the page (see the module docstring)."""
    root = ET.fromstring(text)  # noqa: S314  (matplotlib wrote it, from our own figures)
    prefix = f"chart-{indicator.key}-"
    for parent in root.iter():
        for child in list(parent):
            if child.tag in (f"{{{SVG}}}metadata", f"{{{SVG}}}style"):
                parent.remove(child)
    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            for name, value in _STYLE_PAIR.findall(style):
                element.set(name, FONT if name == "font-family" else value.strip())
        if "id" in element.attrib:
            element.set("id", prefix + element.attrib["id"])
        for name, value in list(element.attrib.items()):
            if "url(#" in value:
                element.set(name, value.replace("url(#", f"url(#{prefix}"))
            elif name == f"{{{XLINK}}}href" and value.startswith("#"):
                element.set(name, f"#{prefix}{value[1:]}")
    _slimmed(root)
    # What the removed <style> said, as attributes every shape inherits.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    for size in ("width", "height"):
        root.attrib.pop(size, None)  # the viewBox keeps the shape; the page sets the width
    title = ET.Element(f"{{{SVG}}}title", id=f"{prefix}title")
    title.text = indicator.title
    desc = ET.Element(f"{{{SVG}}}desc", id=f"{prefix}desc")
    desc.text = description(indicator)
    root.insert(0, desc)
    root.insert(0, title)
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}title")
    root.set("aria-describedby", f"{prefix}desc")
    root.set("class", "chart")
    return ET.tostring(root, encoding="unicode")
