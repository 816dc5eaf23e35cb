"""Small print-readable charts, laid out once and drawn two ways: as inline SVG for
the dashboard and as a reportlab Drawing for the PDF. No I/O, no webapp imports.

A chart is a list of shapes in points, with y running down from the top (as in SVG).
Colours are dark enough to read on a mono printer, and every series is labelled, so
nothing depends on colour alone.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from html import escape

INK = "#222222"
GRID = "#bbbbbb"
BAR = "#1f5f8b"
LINE = "#b3261e"
LINE2 = "#4b3f8f"
#: Light to dark, so stacked buckets stay distinct in greyscale.
STACK = ["#c6dbef", "#6baed6", "#2171b5", "#08306b", "#000000"]
FONT = "Helvetica"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 1.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float = 8.0
    anchor: str = "start"  # start | middle | end
    fill: str = INK


@dataclass
class Chart:
    width: float
    height: float
    title: str
    shapes: list = field(default_factory=list)
    #: value -> bar height in points, for callers that check the drawing
    scale: float = 1.0


# Plot margins in points.
LEFT, RIGHT, TOP, BOTTOM = 36.0, 10.0, 24.0, 30.0
#: Type sizes in points: on A4 at full text width nothing is under 8 pt.
TITLE_SIZE, LABEL_SIZE = 11.0, 8.0
#: Helvetica's mean character width as a share of its size, to wrap labels to a slot.
CHAR_WIDTH = 0.52


def axis(value: float, most: int = 5) -> tuple[float, int]:
    """(axis top, number of gridline steps): steps of 1, 2 or 5 times a power of ten,
    so the labels are round numbers, with at most ``most`` steps."""
    if value <= 0:
        return 1.0, 1
    rough = value / most
    power = 10 ** math.floor(math.log10(rough))
    if value >= 1:
        power = max(power, 1)  # counts and days: whole-number gridlines
    for mult in (1, 2, 5, 10):
        step = mult * power
        if step >= rough:
            break
    steps = math.ceil(value / step - 1e-9)
    return step * steps, steps


def _frame(
    chart: Chart, value_max: float, bottom: float = BOTTOM
) -> tuple[float, float, float, float]:
    """Title, y axis with gridlines; sets ``chart.scale``; returns the plot box."""
    x0, y0 = LEFT, TOP
    x1, y1 = chart.width - RIGHT, chart.height - bottom
    top, steps = axis(value_max)
    chart.scale = (y1 - y0) / top
    chart.shapes.append(Text(x0 - 30, 13, chart.title, size=TITLE_SIZE))
    for i in range(steps + 1):
        value = top * i / steps
        y = y1 - (y1 - y0) * i / steps
        chart.shapes.append(Line(((x0, y), (x1, y)), GRID, 0.5))
        label = f"{value:g}" if value < 1000 else f"{value / 1000:g}k"
        chart.shapes.append(Text(x0 - 4, y + 3, label, size=LABEL_SIZE, anchor="end"))
    chart.shapes.append(Line(((x0, y0), (x0, y1), (x1, y1)), INK, 0.8))
    return x0, y0, x1, y1


def wrap_label(label: str, width: float, size: float = LABEL_SIZE) -> list[str]:
    """``label`` in lines that fit ``width`` points, broken only between words (a stage
    name wraps rather than being cut off; a code or a date is never split)."""
    chars = max(4, int(width / (size * CHAR_WIDTH)))
    return textwrap.wrap(label, chars, break_long_words=False, break_on_hyphens=False) or [""]


def _x_labels(
    chart: Chart, labels: list[str], centres: list[float], y1: float, every: int, slot: float
):
    """The x labels under the plot, each wrapped to ``every`` slots' width."""
    for i, (label, x) in enumerate(zip(labels, centres, strict=True)):
        if i % every == 0:
            for row, line in enumerate(wrap_label(label, slot * every - 4)):
                y = y1 + 11 + row * (LABEL_SIZE + 1.5)
                chart.shapes.append(Text(x, y, line, size=LABEL_SIZE, anchor="middle"))


def _label_rows(labels: list[str], slot: float, every: int = 1) -> int:
    return max((len(wrap_label(label, slot * every - 4)) for label in labels), default=1)


def bar_chart(
    title: str,
    labels: list[str],
    values: list[float],
    *,
    width: float = 480,
    height: float = 160,
    colour: str = BAR,
    label_every: int = 1,
) -> Chart:
    """One bar per value."""
    chart = Chart(width, height, title)
    x0, y0, x1, y1 = _frame(chart, max(values, default=0))
    slot = (x1 - x0) / max(len(values), 1)
    centres = []
    for i, value in enumerate(values):
        h = value * chart.scale
        x = x0 + i * slot + slot * 0.15
        centres.append(x0 + (i + 0.5) * slot)
        if h > 0:
            chart.shapes.append(Rect(x, y1 - h, slot * 0.7, h, colour))
    _x_labels(chart, labels, centres, y1, label_every, slot)
    return chart


def line_chart(
    title: str,
    labels: list[str],
    series: list[tuple[str, list[float], str]],
    *,
    width: float = 480,
    height: float = 160,
    label_every: int = 4,
) -> Chart:
    """One or more lines over the same x labels; ``series`` is (name, values, colour)."""
    chart = Chart(width, height, title)
    x0, y0, x1, y1 = _frame(chart, max((v for _, vs, _ in series for v in vs), default=0))
    n = max(len(labels), 1)
    step = (x1 - x0) / max(n - 1, 1)
    centres = [x0 + i * step for i in range(n)]
    for index, (name, values, colour) in enumerate(series):
        points = tuple((centres[i], y1 - v * chart.scale) for i, v in enumerate(values))
        if len(points) > 1:
            chart.shapes.append(Line(points, colour, 2.0))
        # a legend entry: a short stroke and the name, top right
        lx = x1 - 150 + index * 75
        chart.shapes.append(Line(((lx, 10), (lx + 14, 10)), colour, 2.0))
        chart.shapes.append(Text(lx + 18, 13, name, size=LABEL_SIZE))
    _x_labels(chart, labels, centres, y1, label_every, step)
    return chart


def stacked_bar_chart(
    title: str,
    labels: list[str],
    stacks: list[list[float]],
    keys: list[str],
    *,
    width: float = 480,
    height: float = 180,
) -> Chart:
    """One stacked bar per label; ``stacks[i][k]`` is bucket ``keys[k]`` of bar ``i``.
    Long labels (stage names) wrap onto more lines; the chart grows to hold them."""
    slot = (width - LEFT - RIGHT) / max(len(stacks), 1)
    extra = (_label_rows(labels, slot) - 1) * (LABEL_SIZE + 1.5)
    chart = Chart(width, height + extra, title)
    x0, y0, x1, y1 = _frame(chart, max((sum(s) for s in stacks), default=0), BOTTOM + extra)
    centres = []
    for i, stack in enumerate(stacks):
        base = y1
        centres.append(x0 + (i + 0.5) * slot)
        for k, value in enumerate(stack):
            h = value * chart.scale
            if h > 0:
                chart.shapes.append(
                    Rect(x0 + i * slot + slot * 0.2, base - h, slot * 0.6, h, STACK[k])
                )
                base -= h
    _x_labels(chart, labels, centres, y1, 1, slot)
    for k, key in enumerate(keys):
        lx = x0 + k * (x1 - x0) / len(keys)
        chart.shapes.append(Rect(lx, chart.height - 10, 8, 8, STACK[k]))
        chart.shapes.append(Text(lx + 11, chart.height - 2.5, key, size=LABEL_SIZE))
    return chart


# -- drawing -------------------------------------------------------------------------


def to_svg(chart: Chart) -> str:
    """The chart as a standalone ``<svg>`` element (text stays real text)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width:g} {chart.height:g}" '
        f'width="{chart.width:g}" height="{chart.height:g}" role="img" '
        f'aria-label="{escape(chart.title)}" font-family="{FONT}, Arial, sans-serif">',
        f"<title>{escape(chart.title)}</title>",
    ]
    for s in chart.shapes:
        if isinstance(s, Rect):
            parts.append(
                f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{s.w:.1f}" height="{s.h:.1f}" '
                f'fill="{s.fill}"/>'
            )
        elif isinstance(s, Line):
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in s.points)
            parts.append(
                f'<polyline points="{pts}" fill="none" stroke="{s.stroke}" '
                f'stroke-width="{s.width:g}" stroke-linejoin="round"/>'
            )
        elif isinstance(s, Text):
            parts.append(
                f'<text x="{s.x:.1f}" y="{s.y:.1f}" font-size="{s.size:g}" '
                f'text-anchor="{s.anchor}" fill="{s.fill}">{escape(s.text)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def to_drawing(chart: Chart):
    """The chart as a reportlab Drawing (y flipped to reportlab's upward axis)."""
    from reportlab.graphics.shapes import Drawing, PolyLine, String
    from reportlab.graphics.shapes import Rect as RlRect
    from reportlab.lib.colors import HexColor

    drawing = Drawing(chart.width, chart.height)
    H = chart.height
    for s in chart.shapes:
        if isinstance(s, Rect):
            drawing.add(
                RlRect(s.x, H - s.y - s.h, s.w, s.h, fillColor=HexColor(s.fill), strokeColor=None)
            )
        elif isinstance(s, Line):
            flat = [c for x, y in s.points for c in (x, H - y)]
            drawing.add(
                PolyLine(
                    flat, strokeColor=HexColor(s.stroke), strokeWidth=s.width, strokeLineJoin=1
                )
            )
        elif isinstance(s, Text):
            drawing.add(
                String(
                    s.x,
                    H - s.y,
                    s.text,
                    fontName=FONT,
                    fontSize=s.size,
                    fillColor=HexColor(s.fill),
                    textAnchor=s.anchor,
                )
            )
    return drawing
