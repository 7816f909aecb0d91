"""The co-commissioning charts for readers who cannot tell the colours apart, who zoom in or who
enlarge text (issue 18, finding 13): every series told apart without colour (a line by its dashes,
its markers and its name at its end; a bar by its hatching, which the legend repeats beside the
name), every colour at least 3:1 against white, no label cut off or running into another, and
text sized in em of the page, so that it grows with the page.

Labels are measured with DejaVu Sans's own metrics (tests/blueprints/cocommissioning/fonts.py), the
widest font the charts may be drawn in, independently of the charts' own measure; the property tests
check the layout itself over any names and values with that measure.
"""

from __future__ import annotations

import re
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.blueprints.cocommissioning import charts
from tests.blueprints.cocommissioning import fonts
from tests.factories import make_scenario
from tests.helpers import page

WHITE = "#ffffff"
NOT_A_COLOUR = {"none", "#fff", "#ffffff", "white", "transparent"}
FONT = fonts.read() if fonts.DEJAVU_SANS.exists() else None


def contrast(colour: str, background: str = WHITE) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(colour), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _box(text: str, x: float, y: float, anchor: str, size: float) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of a label as DejaVu Sans draws it (the charts' measure without it)."""
    if FONT is None:
        return charts.Text(text, x, y, anchor).box
    width = FONT.width(text, size)
    left = x - {"start": 0, "middle": width / 2, "end": width}[anchor]
    return left, y - FONT.ascent * size, left + width, y + FONT.descent * size


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _shape(d: str) -> str:
    """A marker's outline without the point it is drawn at."""
    return re.sub(r"^M[-\d.]+,[-\d.]+", "", d)


@pytest.fixture
def pages(scenario, commissioner, users, db):
    """Every page with charts: the scenario, the comparison, and sensitivity over three inputs."""
    other = make_scenario(users["commissioner"], name="Three forces",
                          partner_codes=["dorset", "gloucestershire", "wiltshire"])
    db.session.commit()
    paths = {
        "scenario": f"/co-commissioning/{scenario.id}",
        "compare": f"/co-commissioning/compare?ids={scenario.id}&ids={other.id}",
        "scale": f"/co-commissioning/{scenario.id}/sensitivity?parameter=scale&low=50&high=100",
        "take_up": f"/co-commissioning/{scenario.id}/sensitivity?parameter=take_up&low=10&high=100",
        "cost": f"/co-commissioning/{scenario.id}/sensitivity?parameter=cost_per_client&low=600&high=2400",
    }
    soups = {}
    for name, path in paths.items():
        response = commissioner.get(path)
        assert response.status_code == 200, path
        soups[name] = page(response)
    return soups


def _charts(soups):
    for name, soup in soups.items():
        svgs = soup.select("figure svg[role=img]")
        assert svgs, name
        for svg in svgs:
            yield name, soup, svg


def test_the_palette_has_3_to_1_contrast_against_white_and_the_old_orange_did_not():
    assert round(contrast("#f47738"), 2) == 2.78  # the orange the issue found
    assert round(contrast("#0b0c0c"), 1) == 19.6
    for colour in (*charts.SERIES_COLOURS, charts.NEGATIVE_COLOUR):
        assert contrast(colour) >= 3, colour


def test_every_colour_drawn_has_3_to_1_contrast_against_white(pages):
    """Lines, markers, bars, hatching, outlines and legend samples. The gridlines are the one
    exception: they only help the eye along, the values being labelled and tabled."""
    for name, soup in pages.items():
        svgs = soup.select("figure svg")  # the charts and their legends' samples
        assert svgs, name
        for svg in svgs:
            for element in svg.find_all(True):
                if "opcc-chart__grid" in (element.get("class") or []):
                    continue
                for attribute in ("fill", "stroke"):
                    colour = (element.get(attribute) or "none").lower()
                    if colour in NOT_A_COLOUR or colour.startswith("url("):
                        continue
                    assert re.fullmatch(r"#[0-9a-f]{6}", colour), (name, element)
                    assert contrast(colour) >= 3, (name, colour, str(element)[:120])


@pytest.mark.parametrize("sensitivity", ["scale", "take_up", "cost"])
def test_each_line_differs_without_colour_and_is_named_at_its_end(pages, sensitivity):
    soup = pages[sensitivity]
    names = [th.get_text(strip=True) for th in soup.select("#sensitivity-table tbody th")]
    series = soup.select("svg#sensitivity-chart g.opcc-chart__series")
    legend = soup.select("#sensitivity-legend li")
    assert len(series) == len(names) == len(legend) == 5
    looks = []
    for group, name, key in zip(series, names, legend, strict=True):
        line = group.select_one("polyline")
        dash = line.get("stroke-dasharray", "")
        shapes = {_shape(path["d"]) for path in group.select("path.opcc-chart__marker")}
        assert len(shapes) == 1, name  # the line's markers and the one by its name, all alike
        shape = shapes.pop()
        label = group.select("g.opcc-chart__name text")
        assert " ".join(text.get_text() for text in label) == name
        end_x = float(line["points"].split()[-1].split(",")[0])
        assert all(float(text["x"]) > end_x for text in label)
        # The legend shows the same line and marker beside the same name.
        assert key.get_text(strip=True) == name
        assert key.select_one("line").get("stroke-dasharray", "") == dash
        assert _shape(key.select_one("path")["d"]) == shape
        looks.append((dash, shape))
    assert len({dash for dash, _ in looks}) == len(looks)
    assert len({shape for _, shape in looks}) == len(looks)


def test_each_series_of_bars_differs_without_colour_as_its_legend_shows(pages):
    soup = pages["compare"]
    scenarios = [a.get_text(strip=True) for a in soup.select("#comparison thead th a")]

    def look(fill: str) -> str:
        """A bar's fill without its colour: the hatching's strokes, or solid."""
        if not fill.startswith("url(#"):
            return "solid"
        return soup.find(id=fill[len("url(#"):-1]).select_one("path")["d"]

    for chart, key in (("comparison-chart", "comparison-legend"),
                       ("comparison-savings-chart", "comparison-savings-legend")):
        looks = []
        for group in soup.select(f"svg#{chart} g.opcc-chart__series"):
            fills = {rect["fill"] for rect in group.select("rect")}
            assert len(fills) == 1
            looks.append(look(fills.pop()))
        assert len(looks) == len(scenarios) == 2 and len(set(looks)) == 2
        items = soup.select(f"#{key} li")
        assert [item.get_text(strip=True) for item in items] == scenarios
        assert [look(item.select_one("svg > rect")["fill"]) for item in items] == looks


def test_no_label_is_cut_off_or_runs_into_another(pages):
    seen = set()
    for name, _, svg in _charts(pages):
        _, _, width, height = (float(n) for n in svg["viewbox"].split())
        boxes = []
        for text in svg.select("text"):
            words = text.get_text()
            seen.add(words)
            box = _box(words, float(text["x"]), float(text["y"]), text.get("text-anchor", "start"),
                       float(text["font-size"]))
            assert box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height, (name, svg["id"], words, box)
            boxes.append((words, box))
        for (first, a), (second, b) in combinations(boxes, 2):
            assert not _overlap(a, b), (name, svg["id"], first, second)
    assert "100.0%" in seen  # the label the issue found cut off


def test_chart_text_is_sized_in_em_of_the_page_and_never_shrinks(pages):
    """The SVG is as many em wide as its view box has 16-unit ems, so 16 units of text are 1em,
    the size of the body text around it; a chart wider than the screen scrolls in a box the
    keyboard can focus, named by the figure's caption, rather than shrinking to fit."""
    for name, soup, svg in _charts(pages):
        _, _, width, height = (float(n) for n in svg["viewbox"].split())
        assert svg["width"].endswith("em") and svg["height"].endswith("em"), (name, svg["id"])
        assert float(svg["width"][:-2]) * charts.UNITS_PER_EM == width
        assert float(svg["height"][:-2]) * charts.UNITS_PER_EM == height
        assert all(float(text["font-size"]) >= charts.UNITS_PER_EM for text in svg.select("text"))
        box = svg.parent
        assert "opcc-chart-wrapper" in box["class"] and box["tabindex"] == "0" and box["role"] == "region"
        assert soup.find(id=box["aria-labelledby"]).name == "figcaption"
    for soup in pages.values():
        for sample in soup.select("svg.opcc-chart-key__sample"):
            assert sample["width"].endswith("em") and sample["height"].endswith("em")


# The layout for any names and values, by the charts' own measure ---------------------------------

NAMES = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" -'&£%."),
                min_size=1, max_size=40).filter(lambda text: text.strip())
PENCE = st.integers(-10**11, 10**11)


def _inside_and_apart(texts, width, height):
    boxes = [text.box for text in texts if text.text.strip()]
    for box in boxes:
        assert box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height, box
    for a, b in combinations(boxes, 2):
        assert not _overlap(a, b), (a, b)


@given(st.lists(NAMES, min_size=1, max_size=6), st.data())
def test_bar_charts_keep_every_label_inside_and_apart(groups, data):
    count = data.draw(st.integers(1, 4))
    series = [data.draw(st.lists(st.none() | PENCE, min_size=len(groups), max_size=len(groups)))
              for _ in range(count)]
    chart = charts.bar_chart(groups, series)
    _inside_and_apart(chart.texts, chart.width, chart.height)
    assert all(chart.left <= bar.x and bar.x + bar.width <= chart.right + 0.2 for bar in chart.bars)
    assert len({(style.hatch, style.colour) for style in chart.styles}) == count


@given(st.lists(st.text("0123456789.,%£", min_size=1, max_size=9), min_size=2, max_size=15), st.data())
def test_line_charts_keep_every_label_inside_and_apart_and_name_each_line(x_labels, data):
    count = data.draw(st.integers(1, 6))
    series = [data.draw(st.lists(PENCE, min_size=len(x_labels), max_size=len(x_labels))) for _ in range(count)]
    names = data.draw(st.lists(NAMES, min_size=count, max_size=count))
    chart = charts.line_chart(x_labels, series, names)
    _inside_and_apart(chart.texts, chart.width, chart.height)
    for line, label, name in zip(chart.lines, chart.end_labels, names, strict=True):
        assert " ".join(" ".join(text.text for text in label.lines).split()) == " ".join(name.split())
        assert line.points[-1][0] == chart.right and label.style == line.style
    assert len({(line.style.dash, line.style.marker) for line in chart.lines}) == count
    assert chart.x_labels[0].text == x_labels[0]


def test_the_charts_measure_is_never_narrower_than_dejavu_sans():
    if FONT is None:
        pytest.skip(f"{fonts.DEJAVU_SANS} is not installed")
    for code in [*range(32, 127), *map(ord, "£€–‘’−")]:
        assert charts.text_width(chr(code), 1000) >= FONT.width(chr(code), 1000) - 1e-9, chr(code)
    assert FONT.ascent * charts.FONT_SIZE <= charts.ASCENT and FONT.descent * charts.FONT_SIZE <= charts.DESCENT
