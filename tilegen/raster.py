"""The Pillow backend: draw a layout at any dpi, and write PNGs that store their dpi."""

from __future__ import annotations

import math
from typing import BinaryIO

from PIL import Image, ImageDraw

from .fonts import pil_font
from .layout import Layout, Line, Matrix, Place, Polygon, Rect, Text
from .units import dpmm, mm_to_px_int

_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


def render(layout: Layout, dpi: float = 300, mode: str = "RGB") -> Image.Image:
    """The layout as an image of exactly its physical size at ``dpi``."""
    size = (mm_to_px_int(layout.width, dpi), mm_to_px_int(layout.height, dpi))
    image = Image.new(mode, size, layout.background or "white")
    _draw(ImageDraw.Draw(image), layout, 0.0, 0.0, dpmm(dpi))
    image.info["dpi"] = (dpi, dpi)
    return image


def save_png(layout: Layout, dest: str | BinaryIO, dpi: float = 300) -> Image.Image:
    """Render and write a PNG with its dpi stored (pHYs), to a path or an open binary file."""
    image = render(layout, dpi)
    image.save(dest, format="PNG", dpi=(dpi, dpi), optimize=True)
    return image


def _px(value: float, scale: float) -> int:
    return int(round(value * scale))


def _dashes(x0, y0, x1, y1, dash):
    length = math.hypot(x1 - x0, y1 - y0)
    if not dash or length == 0:
        yield x0, y0, x1, y1
        return
    on, off = dash
    pos = 0.0
    while pos < length:
        end = min(pos + on, length)
        f0, f1 = pos / length, end / length
        yield x0 + (x1 - x0) * f0, y0 + (y1 - y0) * f0, x0 + (x1 - x0) * f1, y0 + (y1 - y0) * f1
        pos += on + off


def _line(draw, x0, y0, x1, y1, colour, width_mm, dash, ox, oy, s):
    width = max(1, _px(width_mm, s))
    for a, b, c, d in _dashes(x0 + ox, y0 + oy, x1 + ox, y1 + oy, dash):
        draw.line([(a * s, b * s), (c * s, d * s)], fill=colour, width=width)


def _draw(draw: ImageDraw.ImageDraw, layout: Layout, ox: float, oy: float, s: float) -> None:
    if layout.background and (ox or oy):
        x0, y0 = _px(ox, s), _px(oy, s)
        x1, y1 = _px(ox + layout.width, s) - 1, _px(oy + layout.height, s) - 1
        draw.rectangle([x0, y0, x1, y1], fill=layout.background)
    for item in layout.items:
        if isinstance(item, Place):
            _draw(draw, item.layout, ox + item.x, oy + item.y, s)
        elif isinstance(item, Matrix):
            edges_x = [_px(ox + item.x + i * item.module, s) for i in range(len(item.rows[0]) + 1)]
            edges_y = [_px(oy + item.y + i * item.module, s) for i in range(len(item.rows) + 1)]
            for r, row in enumerate(item.rows):
                for c, dark in enumerate(row):
                    if dark:
                        draw.rectangle(
                            [edges_x[c], edges_y[r], edges_x[c + 1] - 1, edges_y[r + 1] - 1],
                            fill=item.fill,
                        )
        elif isinstance(item, Rect):
            x0, y0 = _px(ox + item.x, s), _px(oy + item.y, s)
            x1, y1 = _px(ox + item.x + item.w, s) - 1, _px(oy + item.y + item.h, s) - 1
            if item.fill:
                draw.rectangle([x0, y0, x1, y1], fill=item.fill)
            if item.stroke:
                x, y, w, h = item.x, item.y, item.w, item.h
                for a, b, c, d in (
                    (x, y, x + w, y),
                    (x + w, y, x + w, y + h),
                    (x + w, y + h, x, y + h),
                    (x, y + h, x, y),
                ):
                    _line(draw, a, b, c, d, item.stroke, item.stroke_mm, item.dash_mm, ox, oy, s)
        elif isinstance(item, Line):
            _line(
                draw,
                item.x0,
                item.y0,
                item.x1,
                item.y1,
                item.stroke,
                item.stroke_mm,
                item.dash_mm,
                ox,
                oy,
                s,
            )
        elif isinstance(item, Polygon):
            draw.polygon([((ox + x) * s, (oy + y) * s) for x, y in item.points], fill=item.fill)
        elif isinstance(item, Text):
            px = max(1, _px(item.size, s))
            draw.text(
                ((ox + item.x) * s, (oy + item.y) * s),
                item.text,
                fill=item.fill,
                font=pil_font(item.font, px),
                anchor=_ANCHORS[item.anchor],
            )
        else:
            raise TypeError(f"cannot draw {type(item).__name__}")
