"""The board kit: corner markers, stage headers, zone labels and a fitting guide.

Everything positional comes from :mod:`tilegen.standard`; marker artwork from
:mod:`tilegen.markers` (``cv2.aruco``). Pages are layouts, so the PDF and any
preview PNG are the same drawing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import BinaryIO

from tilegen.fonts import fit_size, wrap
from tilegen.layout import (
    BLACK,
    WHITE,
    Layout,
    Line,
    Matrix,
    Place,
    Polygon,
    Rect,
    Text,
    hatch,
    outline,
)
from tilegen.markers import marker_matrix
from tilegen.standard import (
    CORNERS,
    MIN_MARKER_MARGIN_MM,
    STAGES,
    BoardGeometry,
    default_geometries,
    marker_id,
)
from tilegen.tile import STATUS_COLOURS

from .pdf import write_pdf
from .templates import get_paper

#: White paper left around the black square on a cut-out marker (the standard asks >= 10).
MARKER_MARGIN_MM = MIN_MARKER_MARGIN_MM + 2.0
MARKER_TEXT_MM = 20.0
HEADER_H_MM = 55.0
ZONE_LABEL_H_MM = 45.0
CUT = {"stroke": "#777777", "stroke_mm": 0.25, "dash_mm": (2.0, 1.5)}
ZONE_WORDS = {
    "amber": ("DUE SOON", "amber: review date is close"),
    "red": ("OVERDUE", "red: review date has passed"),
}
GUIDE_ZONE_TINT = {"amber": "#fde9b6", "red": "#f4c2c2"}


def _arrow_up(x: float, y: float, size: float) -> list:
    """An upward arrow whose tip is at (x, y)."""
    w = size * 0.5
    return [
        Polygon(
            (
                (x, y),
                (x + w, y + w),
                (x + w * 0.35, y + w),
                (x + w * 0.35, y + size),
                (x - w * 0.35, y + size),
                (x - w * 0.35, y + w),
                (x - w, y + w),
            )
        )
    ]


def marker_card(stage: int, corner: int, base: int, marker_mm: float, stage_name: str) -> Layout:
    """One marker with its white margin and, on the board side, what it is and how to stick it."""
    card_w = marker_mm + 2 * MARKER_MARGIN_MM
    card_h = card_w + MARKER_TEXT_MM
    top_corner = corner in (0, 1)
    # Text goes on the side facing into the board: under top markers, over bottom ones.
    square_y = MARKER_MARGIN_MM if top_corner else MARKER_MARGIN_MM + MARKER_TEXT_MM
    text_y = card_w if top_corner else 0.0
    ident = marker_id(stage, corner, base)
    cells = marker_matrix(ident)
    items: list = [
        outline(0, 0, card_w, card_h, **CUT),
        Matrix(MARKER_MARGIN_MM, square_y, marker_mm / len(cells), cells),
    ]
    corner_name = CORNERS[corner].upper()
    lines = [
        (f"Stage {stage}: {stage_name}", 3.4, "bold"),
        (f"{corner_name} corner  \u00b7  marker {ident}", 3.0, "regular"),
        ("Stick here, this way up", 3.0, "bold"),
    ]
    y = text_y + 5.0
    for text, size, font in lines:
        size = fit_size(text, card_w - 16.0, size, font)
        items.append(Text(4.0, y, text, size, font))
        y += 5.2
    items += _arrow_up(card_w - 7.0, text_y + 3.0, 12.0)
    # A tick at the black square's outer corner: this point goes on the board's corner.
    cx = MARKER_MARGIN_MM + (marker_mm if corner in (1, 2) else 0.0)
    cy = square_y + (marker_mm if corner in (2, 3) else 0.0)
    dx = 1 if corner in (1, 2) else -1
    dy = 1 if corner in (2, 3) else -1
    items += [
        Line(cx + dx * 1.5, cy, cx + dx * 8.0, cy, BLACK, 0.4),
        Line(cx, cy + dy * 1.5, cx, cy + dy * 8.0, BLACK, 0.4),
    ]
    return Layout(card_w, card_h, tuple(items), meta={"marker_id": ident})


def marker_page(geometry: BoardGeometry, base: int, stage_name: str, paper: str) -> Layout:
    """The four corner markers of one board, laid out as they sit on the board."""
    sheet = get_paper(paper)
    cards = {
        c: marker_card(geometry.stage, c, base, geometry.marker_mm, stage_name) for c in range(4)
    }
    card_w, card_h = cards[0].width, cards[0].height
    gap = 8.0
    if 2 * card_w + gap > sheet.width - 10 or 2 * card_h + gap > sheet.height - 30:
        raise ValueError(f"{geometry.marker_mm:g} mm markers do not fit on {sheet.name} paper")
    left = (sheet.width - 2 * card_w - gap) / 2
    top = 22.0
    title = f"Stage {geometry.stage}: {stage_name}: corner markers"
    items: list = [
        Text(
            sheet.width / 2,
            11.0,
            title,
            fit_size(title, sheet.width - 20, 5.0, "bold"),
            "bold",
            anchor="middle",
        ),
        Text(
            sheet.width / 2,
            17.0,
            "Cut along the dashed lines. Print at actual size "
            "(100%, no 'fit to page'): each black square must measure "
            f"{geometry.marker_mm:g} mm.",
            2.8,
            anchor="middle",
        ),
    ]
    spots = {0: (0, 0), 1: (1, 0), 2: (1, 1), 3: (0, 1)}
    for corner, (col, row) in spots.items():
        items.append(Place(left + col * (card_w + gap), top + row * (card_h + gap), cards[corner]))
    return Layout(
        sheet.width,
        sheet.height,
        tuple(items),
        meta={"markers": [marker_id(geometry.stage, c, base) for c in range(4)]},
    )


def _zone_label(zone: str, width: float, height: float) -> Layout:
    word, note = ZONE_WORDS[zone]
    colour = STATUS_COLOURS[zone]
    ink = WHITE if zone == "red" else BLACK
    items: list = [Rect(0, 0, width, height, fill=colour, stroke=BLACK, stroke_mm=0.6)]
    for x in (0.0, width - 14.0):
        items += hatch(x, 0, 14.0, height, 3.0, ink, 0.6, cross=zone == "red")
    size = fit_size(word, width - 36.0, height * 0.5, "bold")
    items.append(Text(width / 2, height * 0.55, word, size, "bold", anchor="middle", fill=ink))
    items.append(
        Text(width / 2, height * 0.85, note, min(3.6, height * 0.15), anchor="middle", fill=ink)
    )
    return Layout(width, height, tuple(items))


def header_page(geometry: BoardGeometry, stage_name: str, team_name: str, paper: str) -> Layout:
    """The stage header and the amber and red zone labels for one board."""
    sheet = get_paper(paper)
    width = sheet.width - 20.0
    header_h = HEADER_H_MM
    header: list = [outline(0, 0, width, header_h, stroke_mm=0.8)]
    number = str(geometry.stage)
    header.append(Rect(0, 0, 45.0, header_h, fill=BLACK))
    header.append(Text(22.5, 40.0, number, 38.0, "bold", anchor="middle", fill=WHITE))
    name_lines = wrap(stage_name, width - 55.0, 13.0, "bold")
    size = 13.0 if len(name_lines) == 1 else fit_size(stage_name, 2 * (width - 55.0), 13.0) * 0.9
    name_lines = wrap(stage_name, width - 55.0, size, "bold")[:2]
    y = 28.0 if len(name_lines) == 1 else 22.0
    for line in name_lines:
        header.append(Text(50.0, y, line, size, "bold"))
        y += size * 1.1
    if team_name:
        header.append(
            Text(width - 3.0, header_h - 3.0, team_name, 3.0, anchor="end", fill="#555555")
        )
    header_layout = Layout(width, header_h, tuple(header))
    zone_w, zone_h = (width - 10.0) / 2, ZONE_LABEL_H_MM
    items: list = [
        Text(
            sheet.width / 2,
            11.0,
            f"Stage {geometry.stage}: header and zone labels",
            5.0,
            "bold",
            anchor="middle",
        ),
        Text(10.0, 26.0, "Stage header: top centre of the board, between the top markers.", 3.2),
        Place(10.0, 30.0, header_layout),
        Text(
            10.0,
            30.0 + header_h + 14.0,
            "Zone labels: at the top-left corner of each zone (see the fitting guide).",
            3.2,
        ),
    ]
    y0 = 30.0 + header_h + 18.0
    for i, zone in enumerate(("amber", "red")):
        items.append(Place(10.0 + i * (zone_w + 10.0), y0, _zone_label(zone, zone_w, zone_h)))
    for item_y, h in ((30.0, header_h), (y0, zone_h)):
        items.append(outline(7.0, item_y - 3.0, sheet.width - 14.0, h + 6.0, **CUT))
    return Layout(sheet.width, sheet.height, tuple(items))


def fitting_guide(geometry: BoardGeometry, stages: list[int], base: int, paper: str) -> Layout:
    """One page showing where every part of the kit goes on a board of this geometry."""
    sheet = get_paper(paper)
    w, h, s = geometry.width_mm, geometry.height_mm, geometry.marker_mm
    scale = min((sheet.width - 40.0) / w, 120.0 / h)
    ox, oy = (sheet.width - w * scale) / 2, 40.0

    def box(x, y, bw, bh, **kw):
        return Rect(ox + x * scale, oy + y * scale, bw * scale, bh * scale, **kw)

    stage_list = ", ".join(str(st) for st in stages)
    header_w = sheet.width - 20.0
    zone_w = (header_w - 10.0) / 2
    items: list = [
        Text(sheet.width / 2, 14.0, "Fitting guide", 7.0, "bold", anchor="middle"),
        Text(
            sheet.width / 2,
            22.0,
            f"A {w:g} x {h:g} mm board (stages {stage_list}); "
            f"{s:g} mm markers; drawn at 1:{1 / scale:.0f}",
            3.4,
            anchor="middle",
        ),
    ]
    items.append(box(0, 0, w, h, fill=WHITE, stroke=BLACK, stroke_mm=0.4))
    for zone in geometry.zones:
        items.append(
            box(
                zone.x0 * w,
                zone.y0 * h,
                (zone.x1 - zone.x0) * w,
                (zone.y1 - zone.y0) * h,
                fill=GUIDE_ZONE_TINT.get(zone.name, "#eeeeee"),
                stroke=BLACK,
                stroke_mm=0.2,
            )
        )
        word = ZONE_WORDS.get(zone.name, (zone.name.upper(), ""))[0]
        zx, zy = zone.x0 * w + 20, zone.y0 * h + 20
        items.append(
            box(
                zx,
                zy,
                zone_w,
                ZONE_LABEL_H_MM,
                fill=STATUS_COLOURS.get(zone.name, "#cccccc"),
                stroke=BLACK,
                stroke_mm=0.2,
            )
        )
        items.append(
            Text(
                ox + (zx + zone_w / 2) * scale,
                oy + (zy + 30) * scale,
                word,
                fit_size(word, zone_w * scale - 1.0, 2.2, "bold"),
                "bold",
                anchor="middle",
            )
        )
    items.append(
        box(
            (w - header_w) / 2,
            20,
            header_w,
            HEADER_H_MM,
            fill="#dddddd",
            stroke=BLACK,
            stroke_mm=0.2,
        )
    )
    items.append(
        Text(ox + w / 2 * scale, oy + 50 * scale, "stage header", 2.4, "bold", anchor="middle")
    )
    items.append(
        Text(
            ox + w / 2 * scale,
            oy + h * 0.45 * scale,
            "tiles go anywhere in the main area",
            3.4,
            anchor="middle",
            fill="#555555",
        )
    )
    for corner in range(4):
        (x0, y0), _, (x1, y1), _ = geometry.marker_corners_mm(corner)
        items.append(box(x0, y0, x1 - x0, y1 - y0, fill=BLACK))
        label = f"{CORNERS[corner]} marker"
        tx = ox + (x0 if corner in (0, 3) else x1) * scale
        ty = oy + (y1 + 40 if corner in (0, 1) else y0 - 20) * scale
        items.append(
            Text(
                tx + (1.0 if corner in (0, 3) else -1.0),
                ty,
                label,
                2.6,
                anchor="start" if corner in (0, 3) else "end",
            )
        )
    # Dimensions.
    by = oy + h * scale + 8.0
    items += [
        Line(ox, by, ox + w * scale, by, BLACK, 0.3),
        Text(
            ox + w * scale / 2,
            by + 4.5,
            f"{w:g} mm between the markers' outer corners",
            3.0,
            anchor="middle",
        ),
    ]
    bx = ox + w * scale + 5.0
    items += [
        Line(bx, oy, bx, oy + h * scale, BLACK, 0.3),
        Text(bx + 1.5, oy + h * scale / 2, f"{h:g} mm", 3.0),
    ]
    # Steps and the id table.
    steps = [
        "1. Print at actual size (100%). Check one black square measures "
        f"{s:g} mm; if not, fix the printer scaling and reprint.",
        "2. Stick each board's four markers with the black square's outer corner exactly on "
        "the board's corner, upright (arrow up), text towards the middle.",
        f"3. The outer corners must be {w:g} mm apart across and {h:g} mm down; measure "
        "both diagonals: they should be equal.",
        "4. Put the stage header at the top centre and the DUE SOON and OVERDUE labels at the "
        "top-left of their zones. Keep labels and tiles off the markers' white margins.",
        "5. Never swap markers between boards: each id says which board and corner it is.",
    ]
    y = by + 16.0
    for step in steps:
        for line in wrap(step, sheet.width - 40.0, 3.2):
            items.append(Text(20.0, y, line, 3.2))
            y += 4.4
        y += 1.0
    y += 4.0
    items.append(Text(20.0, y, "Marker ids", 3.4, "bold"))
    y += 5.5
    header = ["stage", *CORNERS]
    col_x = [20.0, 90.0, 115.0, 140.0, 168.0]
    for x, text in zip(col_x, header, strict=True):
        items.append(Text(x, y, text, 3.0, "bold"))
    for st in stages:
        y += 4.6
        items.append(Text(col_x[0], y, f"{st} {STAGES[st]}", 3.0))
        for corner in range(4):
            items.append(Text(col_x[corner + 1], y, str(marker_id(st, corner, base)), 3.0))
    return Layout(sheet.width, sheet.height, tuple(items))


def board_kit_pages(
    *,
    base: int = 0,
    geometries: Mapping[int, BoardGeometry] | None = None,
    stage_names: Mapping[int, str] | None = None,
    team_name: str = "",
    paper: str = "A4",
) -> list[Layout]:
    """Fitting guide(s) first, then for each of the six boards a marker page and a
    header-and-zones page."""
    geometries = dict(geometries or default_geometries())
    names = {st: (stage_names or {}).get(st) or STAGES[st] for st in STAGES}
    by_shape: dict[tuple, list[int]] = {}
    for st in STAGES:
        g = geometries.get(st) or BoardGeometry(st)
        geometries[st] = g
        by_shape.setdefault((g.width_mm, g.height_mm, g.marker_mm, g.zones), []).append(st)
    pages = [fitting_guide(geometries[sts[0]], sts, base, paper) for sts in by_shape.values()]
    for st in STAGES:
        pages.append(marker_page(geometries[st], base, names[st], paper))
        pages.append(header_page(geometries[st], names[st], team_name, paper))
    return pages


def write_board_kit(
    dest: str | os.PathLike | BinaryIO,
    *,
    base: int = 0,
    geometries: Mapping[int, BoardGeometry] | None = None,
    stage_names: Mapping[int, str] | None = None,
    team_name: str = "",
    paper: str = "A4",
    offset_mm: tuple[float, float] = (0.0, 0.0),
) -> int:
    """Write the whole kit as one PDF; returns the number of pages."""
    pages = board_kit_pages(
        base=base, geometries=geometries, stage_names=stage_names, team_name=team_name, paper=paper
    )
    return write_pdf(pages, dest, offset_mm=offset_mm, title="caseboard board kit")
