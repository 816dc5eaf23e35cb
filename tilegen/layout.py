"""Artwork described once, in millimetres: boxes, lines, text and module matrices.

A :class:`Layout` is a list of primitives on a page or label of a given size,
with the origin at the top-left and y running down. Two backends draw the same
layout: :mod:`printables.pdf` (vector PDF) and :mod:`tilegen.raster` (Pillow,
any dpi). Tiles, stickers, sheets and kit pages are all layouts, so a PNG, a
preview and a printed sheet cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

BLACK = "#000000"
WHITE = "#ffffff"


@dataclass(frozen=True)
class Rect:
    """A box; ``fill`` and/or ``stroke`` (None draws nothing for that part)."""

    x: float
    y: float
    w: float
    h: float
    fill: str | None = None
    stroke: str | None = None
    stroke_mm: float = 0.25
    dash_mm: tuple[float, float] | None = None


@dataclass(frozen=True)
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    stroke: str = BLACK
    stroke_mm: float = 0.25
    dash_mm: tuple[float, float] | None = None


@dataclass(frozen=True)
class Polygon:
    """A filled closed polygon (arrows, markers of direction)."""

    points: tuple[tuple[float, float], ...]
    fill: str = BLACK


@dataclass(frozen=True)
class Text:
    """One line of text; ``y`` is the baseline, ``size`` the em size in mm."""

    x: float
    y: float
    text: str
    size: float
    font: str = "regular"  # see tilegen.fonts.FONTS
    anchor: str = "start"  # start | middle | end
    fill: str = BLACK


@dataclass(frozen=True)
class Matrix:
    """A grid of square modules (a QR code or a marker); ``rows[r][c]`` True is dark."""

    x: float
    y: float
    module: float
    rows: tuple[tuple[bool, ...], ...]
    fill: str = BLACK

    @property
    def size(self) -> float:
        return self.module * len(self.rows)


@dataclass(frozen=True)
class Place:
    """Another layout drawn with its top-left at (x, y)."""

    x: float
    y: float
    layout: Layout


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    items: tuple = field(default_factory=tuple)
    background: str | None = WHITE
    #: Free-form facts about the artwork (QR version, module size...), for callers and tests.
    meta: dict = field(default_factory=dict, compare=False)

    def with_items(self, *items) -> Layout:
        return replace(self, items=self.items + tuple(items))


def outline(x: float, y: float, w: float, h: float, **kw) -> Rect:
    """A stroked, unfilled box."""
    kw.setdefault("stroke", BLACK)
    return Rect(x, y, w, h, fill=None, **kw)


def hatch(
    x: float, y: float, w: float, h: float, step: float, stroke: str, width: float, cross=False
):
    """45-degree hatching lines clipped to a box (``cross`` adds the other diagonal)."""
    lines = []
    k = -h
    while k < w:
        # Line x - x0 = (y - y0) + k, i.e. going down-right from (x+k, y).
        a = max(0.0, -k)  # dy at entry
        b = min(h, w - k)  # dy at exit
        if b > a:
            lines.append(Line(x + k + a, y + a, x + k + b, y + b, stroke, width))
            if cross:
                lines.append(Line(x + w - (k + a), y + a, x + w - (k + b), y + b, stroke, width))
        k += step
    return lines
