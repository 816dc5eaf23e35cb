"""The printer calibration page: measure how far a printer shifts the page, and its scale.

The page is printed with the team's current offsets. Crosses sit exactly 20 mm
from the paper's edges; measure where they came out and correct the offsets by
the difference (``new = current + 20 - measured``). Two 100 mm bars check that
nothing was scaled ("fit to page").
"""

from __future__ import annotations

import os
from typing import BinaryIO

from tilegen.fonts import wrap
from tilegen.layout import BLACK, Layout, Line, Text
from tilegen.layout import outline as box

from .pdf import write_pdf
from .sheets import resolve_template
from .templates import DEFAULT_TILE_TEMPLATE, get_paper

TARGET_MM = 20.0
BAR_MM = 100.0
GREY = "#9e9e9e"


def cross(x: float, y: float, arm: float = 6.0) -> list:
    return [Line(x - arm, y, x + arm, y, BLACK, 0.2), Line(x, y - arm, x, y + arm, BLACK, 0.2)]


def ruler(x: float, y: float, length: float, vertical: bool = False) -> list:
    """A millimetre scale: ticks every mm, longer every 5 and 10, numbered every 10."""
    items: list = []
    for mm in range(int(length) + 1):
        tick = 5.0 if mm % 10 == 0 else 3.5 if mm % 5 == 0 else 2.0
        if vertical:
            items.append(Line(x, y + mm, x + tick, y + mm, BLACK, 0.15))
            if mm % 10 == 0:
                items.append(Text(x + 6.5, y + mm + 1.0, str(mm), 2.6))
        else:
            items.append(Line(x + mm, y, x + mm, y + tick, BLACK, 0.15))
            if mm % 10 == 0:
                items.append(Text(x + mm, y + 8.5, str(mm), 2.6, anchor="middle"))
    line = (x, y, x, y + length) if vertical else (x, y, x + length, y)
    items.append(Line(*line, stroke=BLACK, stroke_mm=0.25))
    return items


def calibration_layout(
    paper: str = "A4", offset_mm: tuple[float, float] = (0.0, 0.0), team_name: str = ""
) -> Layout:
    sheet = get_paper(paper)
    w, h, t = sheet.width, sheet.height, TARGET_MM
    items: list = []
    for x, y in ((t, t), (w - t, t), (t, h - t), (w - t, h - t)):
        items += cross(x, y)
    items.append(Text(t + 8.0, t - 1.5, f"{t:g} mm from the left and top edges", 2.6))
    items.append(
        Text(w - t - 8.0, h - t + 4.0, f"{t:g} mm from the right and bottom", 2.6, anchor="end")
    )
    items.append(Text(w / 2, 42.0, "Printer calibration", 8.0, "bold", anchor="middle"))
    sub = f"{team_name}, {sheet.name} paper" if team_name else f"{sheet.name} paper"
    items.append(Text(w / 2, 49.0, sub, 3.6, anchor="middle", fill="#555555"))
    items += ruler((w - BAR_MM) / 2, 60.0, BAR_MM)
    items += ruler(t + 8.0, 80.0, BAR_MM, vertical=True)
    template = resolve_template(None, sheet.name, DEFAULT_TILE_TEMPLATE)
    slots: list[int] = []
    for _ in range(3):  # the words name the boxes, and where the boxes go follows the words
        words, y = _steps(offset_mm, template.name, slots, w - t - 8.0)
        top = max(y + 6.0, 80.0 + BAR_MM + 6.0)  # below the steps and the vertical scale
        placed = _label_slots(template, top, h - t - 8.0)
        if placed == slots:
            break
        slots = placed
    items += words
    for slot in slots:
        lx, ly = template.slot_origin(slot)
        items.append(
            box(
                lx,
                ly,
                template.label_w,
                template.label_h,
                stroke=GREY,
                stroke_mm=0.25,
                dash_mm=(1.5, 1.0),
            )
        )
        items.append(Text(lx + 2.0, ly + 4.0, f"{template.name} label {slot}", 2.4, fill=GREY))
    return Layout(w, h, tuple(items), meta={"target_mm": t, "paper": sheet.name})


def _label_slots(template, top: float, bottom: float) -> list[int]:
    """The tile-sheet labels that fit between ``top`` and ``bottom`` (mm down the page)."""
    return [
        slot
        for slot in range(1, template.slots + 1)
        if top <= template.slot_origin(slot)[1]
        and template.slot_origin(slot)[1] + template.label_h <= bottom
    ]


def _boxes(slots: list[int], template_name: str) -> str:
    """What the last step says about the grey boxes (there are none when no label fits)."""
    if not slots:
        return f"Keep a blank {template_name} label sheet by the printer for the tile sheets."
    return (
        "Hold it against a blank label sheet in front of a window: the grey boxes must sit on "
        f"{_numbers(slots)} of the {template_name} tile sheet."
    )


def _numbers(slots: list[int]) -> str:
    """[11, 12] -> "labels 11 and 12"; [9, 10, 11] -> "labels 9 to 11"."""
    if len(slots) == 1:
        return f"label {slots[0]}"
    if len(slots) == 2:
        return f"labels {slots[0]} and {slots[1]}"
    return f"labels {slots[0]} to {slots[-1]}"


def _steps(offset_mm, template_name: str, slots: list[int], right: float) -> tuple[list, float]:
    """The numbered steps, wrapped, from 92 mm down; and where they end."""
    t = TARGET_MM
    dx, dy = offset_mm
    steps = [
        'Print this page at 100% ("actual size"); never "fit to page".',
        f"Check the two scales: each must measure exactly {BAR_MM:g} mm. If not, the printer "
        "is scaling the page; change the print settings and print again.",
        f"Measure from the left edge of the paper to the upright line of the top-left cross: "
        f"it should be {t:g} mm. Then from the top edge to its level line.",
        f"This page was printed with x offset {dx:g} mm and y offset {dy:g} mm. New x offset = "
        f"{dx:g} + {t:g} - (what you measured across). New y offset = {dy:g} + {t:g} - (what "
        "you measured down). Enter them under Admin > Printer.",
        "Print this page again: the crosses should now be exactly where they say. "
        + _boxes(slots, template_name),
    ]
    items: list = []
    y = 92.0
    x0 = t + 30.0
    for number, step in enumerate(steps, 1):
        items.append(Text(x0, y, f"{number}.", 3.4, "bold"))
        for line in wrap(step, right - x0, 3.4):
            items.append(Text(x0 + 7.0, y, line, 3.4))
            y += 4.8
        y += 2.5
    return items, y


def write_calibration(
    dest: str | os.PathLike | BinaryIO,
    *,
    paper: str = "A4",
    offset_mm: tuple[float, float] = (0.0, 0.0),
    team_name: str = "",
) -> int:
    """Write the calibration page, shifted by the current offsets like every other sheet."""
    page = calibration_layout(paper, offset_mm, team_name)
    return write_pdf([page], dest, offset_mm=offset_mm, title="caseboard printer calibration")
