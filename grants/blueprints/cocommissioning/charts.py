"""Geometry for the co-commissioning pages' server-drawn SVG charts: plain numbers in, the positions
of bars, lines, the zero axis and the gridlines out, so that the templates only draw.

Values are in pence; negative values go below the zero axis. Coordinates are SVG user units in a
``width`` × ``height`` view box, rounded to a tenth of a unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

# GOV.UK colours, told apart by the data table and legend as well as by colour.
SERIES_COLOURS = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f")
NEGATIVE_COLOUR = "#d4351c"  # a single series' bars below the axis (better off alone)

LEFT, RIGHT, TOP, BOTTOM = 96, 16, 16, 56  # margins: room for the value labels left, names below


@dataclass(frozen=True)
class Tick:
    """A gridline at ``value`` pence, drawn at height ``y``."""

    value: int
    y: float


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

    @property
    def negative(self) -> bool:
        return self.value < 0


@dataclass(frozen=True)
class GroupLabel:
    text: str
    x: float  # the middle of the group

    @property
    def lines(self) -> tuple[str, ...]:
        """The label in at most two lines, so that long area names do not run into each other."""
        return wrap(self.text)


def wrap(text: str, width: int = 14) -> tuple[str, ...]:
    """``text`` on one line if it fits in ``width`` characters, else split into two at a space
    (the split that keeps the longer line shortest)."""
    words = text.split()
    if len(text) <= width or len(words) < 2:
        return (text,)
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    return min(splits, key=lambda pair: (max(len(pair[0]), len(pair[1])), len(pair[1])))


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right: float  # the plot area's right edge
    axis_y: float  # the zero line
    ticks: tuple[Tick, ...]
    bars: tuple[Bar, ...]
    labels: tuple[GroupLabel, ...]
    label_y: float

    @property
    def has_negative(self) -> bool:
        return any(bar.negative for bar in self.bars)


@dataclass(frozen=True)
class Line:
    series: int
    colour: str
    points: tuple[tuple[float, float], ...]

    @property
    def path(self) -> str:
        """The ``points`` attribute of an SVG polyline."""
        return " ".join(f"{x},{y}" for x, y in self.points)


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: float
    axis_y: float
    ticks: tuple[Tick, ...]
    lines: tuple[Line, ...]
    x_labels: tuple[GroupLabel, ...]
    label_y: float


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


def _ticks(top: int, bottom: int, step: int, plot_height: int) -> tuple[Tick, ...]:
    return tuple(Tick(value, _y(value, top, bottom, plot_height)) for value in range(bottom, top + step, step))


def bar_chart(groups: Sequence[str], series: Sequence[Sequence[int | None]], width: int = 640,
              plot_height: int = 220) -> BarChart:
    """Grouped vertical bars: ``series[s][g]`` is series s's value (pence) for group g, None for no bar.

    One series gives a plain bar chart, its negative bars in red. Positive bars stand on the zero
    axis, negative ones hang below it; every bar keeps at least a hairline so that a zero is still
    seen as drawn.
    """
    values = [value for row in series for value in row if value is not None]
    top, bottom, step = _scale(values)
    plot_width = width - LEFT - RIGHT
    group_width = plot_width / max(len(groups), 1)
    bar_width = group_width * 0.8 / max(len(series), 1)
    axis_y = _y(0, top, bottom, plot_height)
    bars = []
    for s, row in enumerate(series):
        for g, value in enumerate(row):
            if value is None:
                continue
            end = _y(value, top, bottom, plot_height)
            x = round(LEFT + g * group_width + group_width * 0.1 + s * bar_width, 1)
            colour = (NEGATIVE_COLOUR if value < 0 and len(series) == 1
                      else SERIES_COLOURS[s % len(SERIES_COLOURS)])
            bars.append(Bar(g, s, value, x, min(end, axis_y), round(bar_width, 1),
                            max(round(abs(axis_y - end), 1), 0.5), colour))
    labels = tuple(GroupLabel(text, round(LEFT + (g + 0.5) * group_width, 1)) for g, text in enumerate(groups))
    return BarChart(width, TOP + plot_height + BOTTOM, LEFT, LEFT + plot_width, axis_y,
                    _ticks(top, bottom, step, plot_height), tuple(bars), labels, TOP + plot_height + 22)


def line_chart(x_labels: Sequence[str], series: Sequence[Sequence[int]], width: int = 640,
               plot_height: int = 220) -> LineChart:
    """A line per series over evenly spaced x values (``series[s][i]`` in pence at x_labels[i])."""
    values = [value for row in series for value in row]
    top, bottom, step = _scale(values)
    plot_width = width - LEFT - RIGHT
    gap = plot_width / max(len(x_labels) - 1, 1)
    lines = tuple(
        Line(s, SERIES_COLOURS[s % len(SERIES_COLOURS)],
             tuple((round(LEFT + i * gap, 1), _y(value, top, bottom, plot_height)) for i, value in enumerate(row)))
        for s, row in enumerate(series)
    )
    labels = tuple(GroupLabel(text, round(LEFT + i * gap, 1)) for i, text in enumerate(x_labels))
    return LineChart(width, TOP + plot_height + BOTTOM, LEFT, LEFT + plot_width, _y(0, top, bottom, plot_height),
                     _ticks(top, bottom, step, plot_height), lines, labels, TOP + plot_height + 22)
