"""Geometry for the reconciliation page's waterfall chart, drawn on the server as SVG: one horizontal
bar per row (the model's figure, each step, the reported figure), a step's bar running from the total
before it to the total after it, with the row's name above its bar and its amount beside it.

Units and text sizes follow the co-commissioning charts (grants/blueprints/cocommissioning/charts.py):
16 units to the em, every label 1em, measured with the widest font the page may use so none is cut off
or runs into another; the template sizes the chart in em, and it scrolls in its own box where the
screen is narrower.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from math import ceil

from grants.blueprints.cocommissioning.charts import (
    ASCENT,
    DESCENT,
    LINE_HEIGHT,
    ChartSize,
    Text,
    nice_step,
    text_width,
    wrap,
)
from grants.modelling.social_return import whole_pounds
from grants.modelling.sroi_reconciliation import Waterfall, signed_pounds

WIDTH = 640
EDGE = 4
BAR_HEIGHT = 24
BAR_GAP = 4  # between a row's name and its bar
ROW_GAP = 14
VALUE_GAP = 6  # between a bar's end and its amount
AXIS_GAP = 8  # between the last bar and the axis
# Colours at least 4.5:1 against white; the row's name and its signed amount say the same without colour.
TOTAL_COLOUR = "#1d70b8"
FALL_COLOUR = "#d4351c"
RISE_COLOUR = "#00703c"
UNEXPLAINED_COLOUR = "#505a5f"


@dataclass(frozen=True)
class WaterfallBar:
    name: str
    amount: str  # as the bar's label shows it
    kind: str  # "total", "fall", "rise" or "unexplained"
    x: float
    y: float
    width: float
    height: float
    colour: str
    name_lines: tuple[Text, ...]
    amount_text: Text


@dataclass(frozen=True)
class Tick:
    x: float
    text: Text


@dataclass(frozen=True)
class WaterfallChart(ChartSize):
    width: int
    height: int
    left: float
    right: float
    top: float
    axis_y: float
    bars: tuple[WaterfallBar, ...]
    ticks: tuple[Tick, ...]

    @property
    def texts(self) -> tuple[Text, ...]:
        """Every label: the rows' names and amounts, and the axis' values."""
        return (tuple(line for bar in self.bars for line in bar.name_lines)
                + tuple(bar.amount_text for bar in self.bars) + tuple(tick.text for tick in self.ticks))


@dataclass(frozen=True)
class _Row:
    name: str
    start: Decimal
    end: Decimal
    amount: str
    kind: str


def _rows(steps: Waterfall, model_name: str, reported_name: str) -> list[_Row]:
    rows = [_Row(model_name, Decimal(0), steps.start, whole_pounds(steps.start), "total")]
    before = steps.start
    for step in steps.steps:
        kind = "unexplained" if not step.explained else ("fall" if step.effect < 0 else "rise")
        rows.append(_Row(step.name, before, step.total, signed_pounds(step.effect), kind))
        before = step.total
    rows.append(_Row(reported_name, Decimal(0), steps.end, whole_pounds(steps.end), "total"))
    return rows


def millions_label(pounds: int) -> str:
    return "£0" if pounds == 0 else f"£{pounds // 1_000_000:,}m" if pounds % 1_000_000 == 0 else f"£{pounds:,}"


def waterfall_chart(steps: Waterfall, model_name: str = "The model’s figure",
                    reported_name: str = "The plan’s figure", width: int = WIDTH) -> WaterfallChart:
    """Bars for ``steps`` from the model's figure to the reported one, in whole pounds."""
    rows = _rows(steps, model_name, reported_name)
    highest = int(max([Decimal(0), *(max(row.start, row.end) for row in rows)]))
    step = nice_step(highest, 4) if highest > 0 else 1
    top_value = max(-(-highest // step) * step, step)
    tick_values = list(range(0, top_value + 1, step))
    amount_width = max(text_width(row.amount) for row in rows)
    left = float(ceil(EDGE + text_width(millions_label(0)) / 2))
    right = float(width - EDGE - max(amount_width + VALUE_GAP, text_width(millions_label(top_value)) / 2))

    def x(value: Decimal | int) -> float:
        return round(left + float(Decimal(value) / top_value) * (right - left), 1)

    bars, y = [], float(EDGE)
    for row in rows:
        lines = wrap(row.name, width - 2 * EDGE)
        names = tuple(Text(line, EDGE, round(y + ASCENT + i * LINE_HEIGHT, 1), "start") for i, line in enumerate(lines))
        bar_y = y + len(lines) * LINE_HEIGHT + BAR_GAP
        low, high = x(min(row.start, row.end)), x(max(row.start, row.end))
        colour = {"total": TOTAL_COLOUR, "fall": FALL_COLOUR, "rise": RISE_COLOUR}.get(row.kind, UNEXPLAINED_COLOUR)
        amount = Text(row.amount, round(high + VALUE_GAP, 1), round(bar_y + BAR_HEIGHT / 2 + 5, 1), "start")
        bars.append(WaterfallBar(row.name, row.amount, row.kind, low, bar_y, max(round(high - low, 1), 0.5),
                                 BAR_HEIGHT, colour, names, amount))
        y = bar_y + BAR_HEIGHT + ROW_GAP
    axis_y = y - ROW_GAP + AXIS_GAP
    label_y = round(axis_y + 8 + ASCENT, 1)
    ticks = tuple(Tick(x(value), Text(millions_label(value), x(value), label_y)) for value in tick_values)
    height = ceil(label_y + DESCENT + EDGE)
    return WaterfallChart(width, height, left, right, float(EDGE), axis_y, tuple(bars), ticks)


def summary(steps: Waterfall) -> str:
    """The chart in a sentence or two, for its description."""
    explained = [step for step in steps.steps if step.explained]
    parts = [f"{step.name}: {signed_pounds(step.effect)}" for step in explained]
    said = f"; {'; '.join(parts)}" if parts else ""
    return (f"From the model’s {whole_pounds(steps.start)}{said}; not explained by published inputs: "
            f"{signed_pounds(steps.unexplained.effect)}; to the plan’s {whole_pounds(steps.end)}.")
