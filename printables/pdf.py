"""The vector backend: draw layouts on reportlab pages; write PDFs atomically."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import BinaryIO

from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tilegen.fonts import FONTS, font_path
from tilegen.layout import Layout, Line, Matrix, Place, Polygon, Rect, Text
from tilegen.units import mm_to_pt

from .output import atomic_output

_PDF_FONT = {name: f"Caseboard-{name}" for name in FONTS}


def _register_fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, pdf_name in _PDF_FONT.items():
        if pdf_name not in registered:
            pdfmetrics.registerFont(TTFont(pdf_name, font_path(name)))


class _Pen:
    def __init__(self, canvas: Canvas, page_height: float):
        self.c = canvas
        self.h = page_height

    def x(self, mm: float) -> float:
        return mm_to_pt(mm)

    def y(self, mm: float) -> float:
        return mm_to_pt(self.h - mm)

    def stroke(self, colour: str, width_mm: float, dash) -> None:
        self.c.setStrokeColor(HexColor(colour))
        self.c.setLineWidth(mm_to_pt(width_mm))
        self.c.setDash([mm_to_pt(v) for v in dash] if dash else [])

    def draw(self, layout: Layout, ox: float, oy: float) -> None:
        c = self.c
        if layout.background and (ox or oy):
            c.setFillColor(HexColor(layout.background))
            c.rect(
                self.x(ox),
                self.y(oy + layout.height),
                mm_to_pt(layout.width),
                mm_to_pt(layout.height),
                stroke=0,
                fill=1,
            )
        for item in layout.items:
            if isinstance(item, Place):
                self.draw(item.layout, ox + item.x, oy + item.y)
            elif isinstance(item, Matrix):
                c.setFillColor(HexColor(item.fill))
                m = item.module
                for r, row in enumerate(item.rows):
                    col = 0
                    while col < len(row):  # one rectangle per horizontal run of dark modules
                        if not row[col]:
                            col += 1
                            continue
                        end = col
                        while end < len(row) and row[end]:
                            end += 1
                        x0, y0 = ox + item.x + col * m, oy + item.y + r * m
                        c.rect(
                            self.x(x0),
                            self.y(y0 + m),
                            mm_to_pt((end - col) * m),
                            mm_to_pt(m),
                            stroke=0,
                            fill=1,
                        )
                        col = end
            elif isinstance(item, Rect):
                if item.fill:
                    c.setFillColor(HexColor(item.fill))
                if item.stroke:
                    self.stroke(item.stroke, item.stroke_mm, item.dash_mm)
                c.rect(
                    self.x(ox + item.x),
                    self.y(oy + item.y + item.h),
                    mm_to_pt(item.w),
                    mm_to_pt(item.h),
                    stroke=1 if item.stroke else 0,
                    fill=1 if item.fill else 0,
                )
            elif isinstance(item, Line):
                self.stroke(item.stroke, item.stroke_mm, item.dash_mm)
                c.line(
                    self.x(ox + item.x0),
                    self.y(oy + item.y0),
                    self.x(ox + item.x1),
                    self.y(oy + item.y1),
                )
            elif isinstance(item, Polygon):
                c.setFillColor(HexColor(item.fill))
                path = c.beginPath()
                (x0, y0), *rest = item.points
                path.moveTo(self.x(ox + x0), self.y(oy + y0))
                for px, py in rest:
                    path.lineTo(self.x(ox + px), self.y(oy + py))
                path.close()
                c.drawPath(path, stroke=0, fill=1)
            elif isinstance(item, Text):
                c.setFillColor(HexColor(item.fill))
                c.setFont(_PDF_FONT[item.font], mm_to_pt(item.size))
                draw = {
                    "start": c.drawString,
                    "middle": c.drawCentredString,
                    "end": c.drawRightString,
                }[item.anchor]
                draw(self.x(ox + item.x), self.y(oy + item.y), item.text)
            else:
                raise TypeError(f"cannot draw {type(item).__name__}")


def write_pdf(
    pages: Iterable[Layout],
    dest: str | os.PathLike | BinaryIO,
    *,
    offset_mm: tuple[float, float] = (0.0, 0.0),
    title: str = "caseboard",
) -> int:
    """Write each layout as one page of its own size; ``offset_mm`` shifts all content
    right/down (the printer calibration). Returns the number of pages."""
    _register_fonts()
    pages = list(pages)
    if not pages:
        raise ValueError("nothing to print")
    dx, dy = offset_mm
    with atomic_output(dest) as fh:
        canvas = Canvas(fh, pagesize=(mm_to_pt(pages[0].width), mm_to_pt(pages[0].height)))
        canvas.setTitle(title)
        canvas.setAuthor("caseboard")
        canvas.setCreator("caseboard")
        for page in pages:
            canvas.setPageSize((mm_to_pt(page.width), mm_to_pt(page.height)))
            pen = _Pen(canvas, page.height)
            if page.background:
                canvas.setFillColor(HexColor(page.background))
                canvas.rect(0, 0, mm_to_pt(page.width), mm_to_pt(page.height), stroke=0, fill=1)
            pen.draw(page, dx, dy)
            canvas.showPage()
        canvas.save()
    return len(pages)
