"""Lay artwork out on label sheets: templates, ``start``, cut marks, paper offsets."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import BinaryIO

from tilegen.fonts import fit_size
from tilegen.layout import Layout, Line, Place, Text
from tilegen.tile import tile_layout

from .pdf import write_pdf
from .templates import DEFAULT_TILE_TEMPLATE, Template, get_paper, get_template, sheet_note

CUT_MARK_MM = 4.0
CUT_GAP_MM = 1.0
CUT_COLOUR = "#000000"


def resolve_template(template: str | Template | None, paper: str, defaults: dict) -> Template:
    if isinstance(template, Template):
        return template
    if template is None:
        template = defaults[get_paper(paper).name]
    return get_template(template)


def cut_marks(template: Template) -> list[Line]:
    """Short lines in the margins (never on the artwork) in line with every cut."""
    paper = get_paper(template.paper)
    right = template.left + (template.cols - 1) * template.pitch_x + template.label_w
    bottom = template.top + (template.rows - 1) * template.pitch_y + template.label_h
    xs = sorted(
        {
            round(template.left + c * template.pitch_x + d, 3)
            for c in range(template.cols)
            for d in (0.0, template.label_w)
        }
    )
    ys = sorted(
        {
            round(template.top + r * template.pitch_y + d, 3)
            for r in range(template.rows)
            for d in (0.0, template.label_h)
        }
    )
    marks = []
    for x in xs:
        top_end = template.top - CUT_GAP_MM
        marks.append(Line(x, max(0.0, top_end - CUT_MARK_MM), x, top_end, CUT_COLOUR, 0.2))
        start = bottom + CUT_GAP_MM
        marks.append(Line(x, start, x, min(paper.height, start + CUT_MARK_MM), CUT_COLOUR, 0.2))
    for y in ys:
        left_end = template.left - CUT_GAP_MM
        marks.append(Line(max(0.0, left_end - CUT_MARK_MM), y, left_end, y, CUT_COLOUR, 0.2))
        start = right + CUT_GAP_MM
        marks.append(Line(start, y, min(paper.width, start + CUT_MARK_MM), y, CUT_COLOUR, 0.2))
    return marks


def sheet_pages(
    items: Sequence[Layout], template: Template, start: int = 1, what: str = "item"
) -> list[Layout]:
    """Pages of ``template`` with one item centred on each label, from label ``start``.

    Labels before ``start`` on the first page are left empty (a part-used sheet).
    """
    if not items:
        raise ValueError(f"no {what}s to print")
    if not 1 <= start <= template.slots:
        raise ValueError(f"start label must be 1-{template.slots} on {template.name}, not {start}")
    for item in items:
        if not template.fits(item.width, item.height):
            raise ValueError(
                f"template {template.name} has {template.label_w:g} x {template.label_h:g} mm "
                f"labels, too small for a {item.width:g} x {item.height:g} mm {what}"
            )
    paper = get_paper(template.paper)
    pages: list[Layout] = []
    slot = start
    current: list = []
    for item in items:
        x, y = template.slot_origin(slot)
        x += (template.label_w - item.width) / 2
        y += (template.label_h - item.height) / 2
        current.append(Place(x, y, item))
        slot += 1
        if slot > template.slots:
            pages.append(_page(paper, template, current))
            current, slot = [], 1
    if current:
        pages.append(_page(paper, template, current))
    return pages


NOTE_MM = 2.2  # the sheet note's text size; its two lines sit in the top margin
NOTE_GREY = "#555555"


def note_lines(template: Template) -> list[Text]:
    """The sheet's product and feeding in its top margin, clear of the labels and the
    cut marks (which start 5 mm above the first row)."""
    paper = get_paper(template.paper)
    width = paper.width - 2 * max(template.left, 5.0)
    above = CUT_MARK_MM + CUT_GAP_MM + 0.8 if template.cut_marks else 1.2
    bottom = min(template.top - above, 10.0)
    lines = sheet_note(template)
    items = []
    for i, line in enumerate(lines):
        size = fit_size(line, width, NOTE_MM, "bold" if i == 0 else "regular")
        y = bottom - (len(lines) - 1 - i) * (NOTE_MM + 0.9)
        items.append(Text(max(template.left, 5.0), y, line, size, "bold" if i == 0 else "regular",
                          fill=NOTE_GREY))  # fmt: skip
    return items


def _page(paper, template: Template, placed: list) -> Layout:
    items = list(placed) + note_lines(template)
    if template.cut_marks:
        items += cut_marks(template)
    return Layout(paper.width, paper.height, tuple(items), meta={"template": template.name})


def write_tile_sheets(
    tiles: Sequence[dict],
    dest: str | os.PathLike | BinaryIO,
    *,
    base_url: str,
    team_name: str = "",
    template: str | Template | None = None,
    paper: str = "A4",
    start: int = 1,
    offset_mm: tuple[float, float] = (0.0, 0.0),
) -> int:
    """Write a PDF of tiles; each of ``tiles`` has ``token`` and ``initials`` (board code).

    Returns the number of pages. Raises ValueError for a bad template, ``start``
    or an empty selection.
    """
    tmpl = resolve_template(template, paper, DEFAULT_TILE_TEMPLATE)
    layouts = [tile_layout(t["token"], t["initials"], base_url, team_name) for t in tiles]
    pages = sheet_pages(layouts, tmpl, start, "tile")
    return write_pdf(pages, dest, offset_mm=offset_mm, title="caseboard tiles")
