"""Geometry for the co-commissioning pages' server-drawn SVG charts: plain numbers in, the positions
of bars, lines, labels, the zero axis and the gridlines out, so that the templates only draw.

Values are in pence; negative values go below the zero axis. Coordinates are SVG user units in a
``width`` × ``height`` view box, rounded to a tenth of a unit, 16 units to the em: the templates size
each chart in em (``width_em``), so that its 16-unit text is the size of the body text at any zoom
or text size, and a chart wider than the screen scrolls in its own box rather than shrinking. Every
label is measured (``text_width``) and placed so that none is cut off or runs into another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import ceil

from grants.blueprints.cocommissioning.display import pounds

UNITS_PER_EM = 16
FONT_SIZE = 16  # every label, in units: 1em, the body text's size
# A line of labels is 20 units; DejaVu Sans, the tallest font the text may fall back to, rises
# 15 units above the baseline at this size and drops 4 below it.
LINE_HEIGHT, ASCENT, DESCENT = 20, 15, 4
EDGE = 4  # clear space inside the view box
TOP, RIGHT = 16, 8  # margins above the plot, and right of a bar chart's last group
TICK_GAP = 8  # between a value label and the plot
X_LABEL_GAP = 12  # between the plot and the labels under it (clear of the lowest value label)
LABEL_GAP = 8  # at least between two labels side by side
LABEL_SPACING = 4  # at least between two line labels one above the other
END_LABEL_WIDTH = 160  # a line's name longer than this goes on two lines
MARKER_X, TEXT_X = 28, 38  # a line label's marker and text, right of the plot
MIN_PLOT_WIDTH = 240

# Series colours, each at least 4.4:1 against white (WCAG 1.4.11 asks for 3:1), and told apart
# without colour too: a line by its dashes, its markers and its name at its end; a bar by its
# hatching, which the legend beside the chart repeats with the name.
SERIES_COLOURS = ("#1d70b8", "#c2590a", "#00703c", "#4c2c92", "#d53880", "#505a5f")
NEGATIVE_COLOUR = "#d4351c"  # a single series' bars below the axis (better off alone): 4.9:1
DASHES = ("", "12 6", "3 4", "16 4 3 4", "7 3 2 3 2 3", "24 5")
# Marker outlines from the point they mark (relative SVG path commands), about 12 units across.
MARKERS = (
    "m-5.5,0a5.5,5.5 0 1,0 11,0a5.5,5.5 0 1,0 -11,0z",  # circle
    "m-4.5,-4.5h9v9h-9z",  # square
    "m0,-6.5l6,10.5h-12z",  # triangle
    "m0,-6.5l6.5,6.5l-6.5,6.5l-6.5,-6.5z",  # diamond
    "m0,6.5l6,-10.5h-12z",  # triangle pointing down
    "m-1.75,-6h3.5v4.25h4.25v3.5h-4.25v4.25h-3.5v-4.25h-4.25v-3.5h4.25z",  # plus
)
# Bar fills after the first (solid): strokes in an 8-unit square tile, repeated (the templates
# draw the tile).
HATCHES = (
    "",
    "M-2,2L2,-2M0,8L8,0M6,10L10,6",  # diagonal
    "M2,2h0M6,6h0",  # dots (round caps on zero-length strokes)
    "M-2,2L2,-2M0,8L8,0M6,10L10,6M-2,6L2,10M0,0L8,8M6,-2L10,2",  # cross-hatched
    "M0,2H8M0,6H8",  # horizontal
    "M-2,6L2,10M0,0L8,8M6,-2L10,2",  # diagonal the other way
)

# DejaVu Sans's advance widths in thousandths of an em, rounded up, for the characters from space
# to "~": the widest of the fonts the pages may be drawn in (Helvetica and Arial are narrower), so a
# label measured with them has room in any of them. Other characters are counted as 1em.
_ADVANCES = (
    318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337,  # space to /
    637, 637, 637, 637, 637, 637, 637, 637, 637, 637, 337, 337, 838, 838, 838, 531,  # 0 to ?
    1000, 685, 687, 699, 771, 632, 576, 775, 752, 295, 295, 656, 558, 863, 749, 788,  # @ to O
    604, 788, 695, 635, 611, 732, 685, 989, 686, 611, 686, 391, 337, 391, 838, 500,  # P to _
    500, 613, 635, 550, 635, 616, 353, 635, 634, 278, 278, 580, 278, 975, 634, 612,  # ` to o
    635, 635, 412, 521, 393, 634, 592, 818, 592, 592, 525, 637, 337, 637, 838,  # p to ~
)
_OTHER_ADVANCES = {"£": 637, "€": 637, "–": 500, "‘": 318, "’": 318, "−": 838}


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The most room ``text`` takes at ``size`` units, in units (see ``_ADVANCES``)."""
    thousandths = sum(_ADVANCES[ord(c) - 32] if 32 <= ord(c) < 127 else _OTHER_ADVANCES.get(c, 1000) for c in text)
    return thousandths * size / 1000


def wrap(text: str, width: float) -> tuple[str, ...]:
    """``text`` on one line if it fits in ``width`` units, else split into two at a space (the split
    that keeps the longer line shortest)."""
    words = text.split()
    if text_width(text) <= width or len(words) < 2:
        return (text,)
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    return min(splits, key=lambda pair: (max(text_width(pair[0]), text_width(pair[1])), text_width(pair[1])))


@dataclass(frozen=True)
class Text:
    """A line of label text: ``x`` is its start, middle or end as ``anchor`` says; ``y`` its baseline."""

    text: str
    x: float
    y: float
    anchor: str = "middle"

    @property
    def box(self) -> tuple[float, float, float, float]:
        """The left, top, right and bottom of the most room it takes."""
        width = text_width(self.text)
        left = self.x - {"start": 0, "middle": width / 2, "end": width}[self.anchor]
        return left, self.y - ASCENT, left + width, self.y + DESCENT


@dataclass(frozen=True)
class SeriesStyle:
    """How series ``index`` is drawn: its colour, and what tells it apart without colour."""

    index: int
    colour: str
    dash: str
    marker: str
    hatch: str

    def marker_path(self, x: float, y: float) -> str:
        """The ``d`` of this series' marker at (x, y)."""
        return f"M{x},{y}{self.marker}"


def style(index: int) -> SeriesStyle:
    i = index % len(SERIES_COLOURS)
    return SeriesStyle(index, SERIES_COLOURS[i], DASHES[i], MARKERS[i], HATCHES[i])


@dataclass(frozen=True)
class Tick:
    """A gridline at ``value`` pence, drawn at height ``y``, with its value label."""

    value: int
    y: float
    text: Text


@dataclass(frozen=True)
class Bar:
    group: int
    series: int
    value: int
    x: float
    y: float
    width: float
    height: float
    colour: str
    hatched: bool = False  # filled with its series' hatching, outlined in its colour

    @property
    def negative(self) -> bool:
        return self.value < 0


@dataclass(frozen=True)
class GroupLabel:
    text: str
    x: float  # the middle of the group
    lines: tuple[Text, ...]


class ChartSize:
    """What every chart gives its template: its size in em (the SVG is drawn in units of which
    ``UNITS_PER_EM`` make an em, so that it grows with the text when a person zooms) and its labels'
    font size. Each chart is a dataclass with ``width`` and ``height`` in units."""

    width: int
    height: int
    font_size = FONT_SIZE

    @property
    def width_em(self) -> float:
        return self.width / UNITS_PER_EM

    @property
    def height_em(self) -> float:
        return self.height / UNITS_PER_EM


@dataclass(frozen=True)
class BarChart(ChartSize):
    width: int
    height: int
    left: int
    right: float  # the plot area's right edge
    axis_y: float  # the zero line
    ticks: tuple[Tick, ...]
    bars: tuple[Bar, ...]
    labels: tuple[GroupLabel, ...]
    styles: tuple[SeriesStyle, ...]

    @property
    def has_negative(self) -> bool:
        return any(bar.negative for bar in self.bars)

    @property
    def texts(self) -> tuple[Text, ...]:
        """Every label: the values up the side and the groups' names."""
        return tuple(tick.text for tick in self.ticks) + tuple(line for label in self.labels for line in label.lines)

    axis_texts = texts


@dataclass(frozen=True)
class Line:
    style: SeriesStyle
    values: tuple[int, ...]
    points: tuple[tuple[float, float], ...]

    @property
    def series(self) -> int:
        return self.style.index

    @property
    def colour(self) -> str:
        return self.style.colour

    @property
    def path(self) -> str:
        """The ``points`` attribute of an SVG polyline."""
        return " ".join(f"{x},{y}" for x, y in self.points)


@dataclass(frozen=True)
class EndLabel:
    """A line's name beside its end: the series' marker, then the text, and a leader from the
    line's end to the marker (the label moves up or down to stay clear of the others)."""

    style: SeriesStyle
    lines: tuple[Text, ...]
    marker: tuple[float, float]
    leader: tuple[float, float, float, float]  # x1, y1, x2, y2


@dataclass(frozen=True)
class LineChart(ChartSize):
    width: int
    height: int
    left: int
    right: float
    axis_y: float
    ticks: tuple[Tick, ...]
    lines: tuple[Line, ...]
    x_labels: tuple[Text, ...]  # the x values labelled: every one, or every other and so on where they would crowd
    end_labels: tuple[EndLabel, ...]
    x_texts: tuple[str, ...]  # every x value's label
    plot_height: int

    @property
    def axis_texts(self) -> tuple[Text, ...]:
        """The values up the side and along the foot."""
        return tuple(tick.text for tick in self.ticks) + self.x_labels

    @property
    def texts(self) -> tuple[Text, ...]:
        """Every label: the axes' and the lines' names."""
        return self.axis_texts + tuple(line for label in self.end_labels for line in label.lines)

    def named(self, names: Sequence[str]) -> LineChart:
        """The same chart (at the default width) with each line's name at its end."""
        return line_chart(self.x_texts, [line.values for line in self.lines], names, plot_height=self.plot_height)


def nice_step(span: int, target: int = 4) -> int:
    """A gridline interval of 1, 2 or 5 × 10^k pence giving about ``target`` intervals over ``span``."""
    if span <= 0:
        return 1
    rough = Decimal(span) / target
    power = Decimal(10) ** (len(str(int(rough))) - 1) if rough >= 1 else Decimal(1)
    for multiple in (1, 2, 5, 10):
        if power * multiple >= rough:
            return int(power * multiple)
    return int(power * 10)  # pragma: no cover - the loop always returns


def _scale(values: Sequence[int]) -> tuple[int, int, int]:
    """The range drawn (always including 0, widened to whole gridlines) and the gridline step."""
    high, low = max([0, *values]), min([0, *values])
    step = nice_step(high - low)
    top = -(-high // step) * step
    bottom = (low // step) * step
    if top == bottom:
        top = step
    return top, bottom, step


def _y(value: int, top: int, bottom: int, plot_height: int) -> float:
    return round(TOP + (top - value) / (top - bottom) * plot_height, 1)


def _ticks(top: int, bottom: int, step: int, plot_height: int, first_x_label: str = "") -> tuple[int, tuple[Tick, ...]]:
    """The left margin, wide enough for the value labels (and half the first x label, centred on
    the plot's left edge), and the gridlines."""
    values = range(bottom, top + step, step)
    widest = max(text_width(pounds(value)) for value in values)
    left = ceil(max(EDGE + widest + TICK_GAP, EDGE + text_width(first_x_label) / 2))
    ticks = []
    for value in values:
        y = _y(value, top, bottom, plot_height)
        ticks.append(Tick(value, y, Text(pounds(value), left - TICK_GAP, round(y + 5, 1), "end")))
    return left, tuple(ticks)


def bar_chart(groups: Sequence[str], series: Sequence[Sequence[int | None]], width: int = 640,
              plot_height: int = 220) -> BarChart:
    """Grouped vertical bars: ``series[s][g]`` is series s's value (pence) for group g, None for no bar.

    One series gives a plain bar chart, its negative bars in red. Positive bars stand on the zero
    axis, negative ones hang below it; every bar keeps at least a hairline so that a zero is still
    seen as drawn. The chart is wider than ``width`` where the groups' names need it.
    """
    values = [value for row in series for value in row if value is not None]
    top, bottom, step = _scale(values)
    left, ticks = _ticks(top, bottom, step, plot_height)
    count = max(len(groups), 1)
    group_width = (width - left - RIGHT) / count
    wrapped = [wrap(text, group_width - LABEL_GAP) for text in groups]
    group_width = max([group_width] + [text_width(line) + LABEL_GAP for lines in wrapped for line in lines])
    slot = group_width * 0.8 / max(len(series), 1)
    inset = 1.5 if len(series) > 1 else 0  # white between neighbouring bars, and room for their outline
    axis_y = _y(0, top, bottom, plot_height)
    bars = []
    for s, row in enumerate(series):
        for g, value in enumerate(row):
            if value is None:
                continue
            end = _y(value, top, bottom, plot_height)
            x = round(left + g * group_width + group_width * 0.1 + s * slot + inset, 1)
            colour = NEGATIVE_COLOUR if value < 0 and len(series) == 1 else style(s).colour
            bars.append(Bar(g, s, value, x, min(end, axis_y), round(slot - 2 * inset, 1),
                            max(round(abs(axis_y - end), 1), 0.5), colour, len(series) > 1 and bool(style(s).hatch)))
    label_y = TOP + plot_height + X_LABEL_GAP + ASCENT
    labels = []
    for g, (text, lines) in enumerate(zip(groups, wrapped, strict=True)):
        middle = round(left + (g + 0.5) * group_width, 1)
        labels.append(GroupLabel(text, middle, tuple(Text(line, middle, label_y + i * LINE_HEIGHT)
                                                     for i, line in enumerate(lines))))
    depth = max([len(lines) for lines in wrapped] or [1])
    right = left + group_width * count
    return BarChart(ceil(right + RIGHT), label_y + (depth - 1) * LINE_HEIGHT + DESCENT + EDGE, left, round(right, 1),
                    axis_y, ticks, tuple(bars), tuple(labels), tuple(style(s) for s in range(len(series))))


def _label_every(widths: Sequence[float], gap: float) -> int:
    """Label every k-th x value, the smallest k that keeps neighbouring labels LABEL_GAP apart
    (a k that lands on the last value first)."""
    count = len(widths)

    def fits(k: int) -> bool:
        return all((widths[i] + widths[i + k]) / 2 + LABEL_GAP <= k * gap for i in range(0, count - k, k))

    candidates = [k for k in range(1, count) if (count - 1) % k == 0] + list(range(1, count))
    return next((k for k in candidates if fits(k)), max(count, 1))


def _end_labels(lines: Sequence[Line], names: Sequence[str], right: float, bottom: float) -> tuple[EndLabel, ...]:
    """Each line's name beside its end, as near its end's height as the others allow, between
    EDGE and ``bottom``."""
    if not names:
        return ()
    wrapped = [wrap(name, END_LABEL_WIDTH) for name in names]
    order = sorted(range(len(lines)), key=lambda s: (lines[s].points[-1][1], s))
    heights = [len(text) * LINE_HEIGHT for text in wrapped]
    tops: dict[int, float] = {}
    cursor: float = EDGE
    for s in order:  # downwards, each below the one above
        tops[s] = max(lines[s].points[-1][1] - heights[s] / 2, cursor)
        cursor = tops[s] + heights[s] + LABEL_SPACING
    cursor = bottom
    for s in reversed(order):  # then upwards, each above the one below
        tops[s] = min(tops[s], cursor - heights[s])
        cursor = tops[s] - LABEL_SPACING
    labels = []
    for s, line in enumerate(lines):
        middle = round(tops[s] + heights[s] / 2, 1)
        texts = tuple(Text(text, right + TEXT_X, round(tops[s] + ASCENT + i * LINE_HEIGHT, 1), "start")
                      for i, text in enumerate(wrapped[s]))
        labels.append(EndLabel(line.style, texts, (right + MARKER_X, middle),
                               (line.points[-1][0] + 8, line.points[-1][1], right + MARKER_X - 8, middle)))
    return tuple(labels)


def line_chart(x_labels: Sequence[str], series: Sequence[Sequence[int]], names: Sequence[str] = (),
               width: int = 720, plot_height: int = 220) -> LineChart:
    """A line per series over evenly spaced x values (``series[s][i]`` in pence at x_labels[i]),
    each named at its end by ``names[s]`` when names are given."""
    names = list(names) if len(names) == len(series) else []
    # Room for the names one above another, beside the plot and no lower than its foot.
    stacked = sum(len(wrap(name, END_LABEL_WIDTH)) * LINE_HEIGHT + LABEL_SPACING for name in names)
    plot_height = max(plot_height, ceil(stacked + EDGE - TOP))
    values = [value for row in series for value in row]
    top, bottom, step = _scale(values)
    left, ticks = _ticks(top, bottom, step, plot_height, x_labels[0] if x_labels else "")
    widths = [text_width(text) for text in x_labels]
    names_width = max((text_width(line) for name in names for line in wrap(name, END_LABEL_WIDTH)), default=0)
    margin = ceil(max(RIGHT, EDGE + (widths[-1] / 2 if widths else 0), TEXT_X + names_width + EDGE if names else 0))
    plot_width = max(width - left - margin, MIN_PLOT_WIDTH)
    gap = plot_width / max(len(x_labels) - 1, 1)
    lines = tuple(
        Line(style(s), tuple(row),
             tuple((round(left + i * gap, 1), _y(value, top, bottom, plot_height)) for i, value in enumerate(row)))
        for s, row in enumerate(series)
    )
    label_y = TOP + plot_height + X_LABEL_GAP + ASCENT
    every = _label_every(widths, gap)
    shown = tuple(Text(text, round(left + i * gap, 1), label_y) for i, text in enumerate(x_labels) if i % every == 0)
    right = left + plot_width
    return LineChart(right + margin, label_y + DESCENT + EDGE, left, right, _y(0, top, bottom, plot_height), ticks,
                     lines, shown, _end_labels(lines, names, right, TOP + plot_height), tuple(x_labels), plot_height)
