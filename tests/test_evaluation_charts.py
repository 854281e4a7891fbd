"""Charts of indicator tables: SVG that lives with the site's content security policy, PNG for
the PDF, nothing drawn for a figure not shown, and no mix-ups when threads draw at once."""

from __future__ import annotations

import re
import threading
from typing import Any

from evaluation import charts
from evaluation.indicators import Chart, Indicator, Table, Unit


def indicator(key: str = "attendance", rows: Any = None, **chart: Any) -> Indicator:
    return Indicator(
        key=key,
        title=f"Share of attendance ({key})",
        summary="Experts by experience made up 40% of the attendances.",
        table=Table(
            columns=("Stage", "By experts by experience", "All", "Share (%)"),
            rows=rows
            if rows is not None
            else (("Design", 2, 5, 40), ("Delivery", 0, 0, None), ("Commissioning", 3, 4, 75)),
        ),
        chart=Chart(**{"series": (3,), "unit": Unit.PERCENT, "maximum": 100, **chart}),
    )


def test_the_svg_has_a_title_a_description_and_no_inline_style():
    svg = charts.svg(indicator())
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-attendance-title"' in svg
    assert '<title id="chart-attendance-title">Share of attendance (attendance)</title>' in svg
    assert "made up 40% of the attendances. The figures are in the table" in svg
    assert "style=" not in svg and "<style" not in svg and "<metadata" not in svg
    assert 'fill="#1d4f91"' in svg  # the bars' colour, as an attribute


def test_every_id_in_the_svg_is_its_own_and_every_reference_finds_its_target():
    svg = charts.svg(indicator())
    ids = re.findall(r' id="([^"]+)"', svg)
    assert ids and all(i.startswith("chart-attendance-") for i in ids)
    assert len(ids) == len(set(ids))
    references = re.findall(r"url\(#([^)]+)\)", svg) + re.findall(r'href="#([^"]+)"', svg)
    assert references and set(references) <= set(ids)


def test_the_svg_carries_nothing_that_draws_nothing():
    # Ten charts had made the evaluation report 112 KB; these took 26 KB of it.
    svg = charts.svg(indicator())
    ids = set(re.findall(r' id="([^"]+)"', svg))
    references = set(re.findall(r"url\(#([^)]+)\)", svg) + re.findall(r'href="#([^"]+)"', svg))
    assert ids == references | {"chart-attendance-title", "chart-attendance-desc"}
    assert "<g>" not in svg and "<defs />" not in svg and "rotate(-0 " not in svg
    assert ">\n" not in svg and "  " not in svg
    assert not re.search(r"\d\.\d{2}", " ".join(re.findall(r' d="([^"]+)"', svg)))


def test_a_figure_not_shown_gets_no_bar_and_no_label():
    svg = charts.svg(indicator())
    assert ">40%<" in svg and ">75%<" in svg
    bars = re.findall(r'fill="#1d4f91"', svg)
    assert len(bars) == 2  # Design and Commissioning; Delivery has no figure


def test_nothing_to_draw_makes_no_chart():
    empty = indicator(rows=(("Design", 0, 0, None),))
    assert charts.svg(empty) == "" and charts.png(empty) == b""


def test_only_zeros_make_no_chart_and_one_series_is_named_under_its_axis():
    zeros = indicator(rows=(("Design", 0, 3, 0), ("Delivery", 0, 2, 0)))
    assert charts.svg(zeros) == ""
    # One figure drawn: no legend, its name under the axis (a second, hidden series is left
    # out rather than leaving empty room beside each bar).
    one = indicator(rows=(("Design", 2, None, 40),), series=(3, 2), unit=Unit.PERCENT)
    svg = charts.svg(one)
    assert svg.count(">Share (%)<") == 1
    # A long name under the axis is wrapped, so a phone does not cut its end off.
    long = indicator(rows=(("Design", 2, 5, 40),))
    long = Indicator(
        key="long",
        title=long.title,
        summary=long.summary,
        table=Table(
            columns=("Stage", "Share by experts by experience (%)"), rows=(("Design", 40),)
        ),
        chart=Chart(series=(1,), unit=Unit.PERCENT, maximum=100),
    )
    assert ">Share by experts by experience (%)<" not in charts.svg(long)
    assert ">All<" not in svg


def test_long_row_labels_are_wrapped_to_stay_whole_in_a_narrow_chart():
    long = indicator(rows=(("Commissioning to Evaluation, 5 December 2026", 2, 5, 40),))
    svg = charts.svg(long)
    assert "Commissioning to Evaluation, 5 December 2026" not in svg  # not on one line
    assert "December 2026" in svg


def test_the_png_for_the_pdf_is_a_png():
    assert charts.png(indicator()).startswith(b"\x89PNG\r\n\x1a\n")


def test_an_indicator_holding_lists_is_still_drawn():
    listed = indicator(key="listed", rows=[["Design", 2, 5, 40]])
    assert "chart-listed-title" in charts.svg(listed)


def test_charts_drawn_by_threads_at_once_are_not_mixed_up():
    keys = [f"k{n}" for n in range(6)]
    drawn: dict[str, str] = {}

    def draw(key: str) -> None:
        drawn[key] = charts.svg(indicator(key=key, rows=(("Design", 1, 2, int(key[1:]) * 10 + 5),)))

    threads = [threading.Thread(target=draw, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for key in keys:
        assert f'id="chart-{key}-title"' in drawn[key]
        assert f">{int(key[1:]) * 10 + 5}%<" in drawn[key]
