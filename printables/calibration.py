"""The printer calibration page: measure two distances, enter the offsets, done.

Every sheet caseboard prints is shifted by the team's x/y offsets (settings
``printer.x_offset_mm`` / ``printer.y_offset_mm``), so one measurement fixes
tiles, stickers and the kit alike. The page itself is printed *with* the
current offsets, so after adjusting, a reprint should measure exactly.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from tilegen.layout import BLACK, Layout, Line, Text, outline

from .pdf import write_pdf
from .templates import Template, get_paper

FRAME_MM = 20.0
SCALE_BAR_MM = 100.0


def calibration_page(
    paper: str = "A4",
    offset_mm: tuple[float, float] = (0.0, 0.0),
    template: Template | None = None,
) -> Layout:
    sheet = get_paper(paper)
    f = FRAME_MM
    items: list = [outline(f, f, sheet.width - 2 * f, sheet.height - 2 * f, stroke_mm=0.2)]
    # Rulers from the paper's top and left edges to the frame, in mm.
    for mm in range(0, int(f) + 1):
        tick = 4.0 if mm % 5 == 0 else 2.0
        items.append(Line(sheet.width / 2 - tick, mm, sheet.width / 2 + tick, mm, BLACK, 0.1))
        items.append(Line(mm, sheet.height / 2 - tick, mm, sheet.height / 2 + tick, BLACK, 0.1))
    items.append(Line(sheet.width / 2, 0, sheet.width / 2, f, BLACK, 0.1))
    items.append(Line(0, sheet.height / 2, f, sheet.height / 2, BLACK, 0.1))
    # A centre cross and a 100 mm scale bar.
    cx, cy = sheet.width / 2, sheet.height / 2
    items += [
        Line(cx - 10, cy, cx + 10, cy, BLACK, 0.2),
        Line(cx, cy - 10, cx, cy + 10, BLACK, 0.2),
    ]
    bar_y = cy + 40.0
    x0 = cx - SCALE_BAR_MM / 2
    items.append(Line(x0, bar_y, x0 + SCALE_BAR_MM, bar_y, BLACK, 0.3))
    for mm in range(0, int(SCALE_BAR_MM) + 1, 10):
        items.append(Line(x0 + mm, bar_y - 3, x0 + mm, bar_y, BLACK, 0.2))
    items.append(
        Text(
            cx,
            bar_y + 6,
            f"this bar must measure {SCALE_BAR_MM:g} mm: if not, print at 100% / actual size",
            3.2,
            anchor="middle",
        )
    )
    if template is not None:
        for slot in range(1, template.slots + 1):
            x, y = template.slot_origin(slot)
            items.append(
                outline(
                    x,
                    y,
                    template.label_w,
                    template.label_h,
                    stroke="#bbbbbb",
                    stroke_mm=0.15,
                    dash_mm=(1.0, 1.0),
                )
            )
    dx, dy = offset_mm
    lines = [
        ("Printer calibration", 6.0, "bold"),
        (f"{sheet.name} paper; current offsets: x {dx:+.1f} mm, y {dy:+.1f} mm", 3.4, "regular"),
        ("1. Print this page at actual size (100%, no 'fit to page').", 3.2, "regular"),
        (
            f"2. Measure from the paper's TOP edge to the frame's top line: should be {f:g} mm.",
            3.2,
            "regular",
        ),
        (
            f"3. Measure from the paper's LEFT edge to the frame's left line: should be {f:g} mm.",
            3.2,
            "regular",
        ),
        (
            "4. Add (expected - measured) to each offset, e.g. measured 21.5 at the top:",
            3.2,
            "regular",
        ),
        ("   y offset = current - 1.5. Then print this page again to check.", 3.2, "regular"),
        ("caseboard print calibration --x-offset MM --y-offset MM --save", 3.0, "bold"),
    ]
    if template is not None:
        lines.append(
            (
                f"Dashed boxes: the {template.name} labels. Hold a label sheet behind this "
                "page against the light to compare.",
                3.0,
                "regular",
            )
        )
    y = f + 14.0
    for text, size, font in lines:
        items.append(Text(f + 6.0, y, text, size, font))
        y += size * 1.6
    return Layout(sheet.width, sheet.height, tuple(items))


def write_calibration(
    dest: str | os.PathLike | BinaryIO,
    *,
    paper: str = "A4",
    offset_mm: tuple[float, float] = (0.0, 0.0),
    template: Template | None = None,
) -> int:
    page = calibration_page(paper, offset_mm, template)
    return write_pdf([page], dest, offset_mm=offset_mm, title="caseboard printer calibration")
