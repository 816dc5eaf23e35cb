"""The board kit: corner markers, stage headers, zone labels and a fitting guide.

Everything comes from :mod:`tilegen.standard` (marker ids, family, sizes, zones)
so the printed kit and the scanner cannot disagree. Pages, in order: the
fitting guide (one per distinct board geometry), one page of four corner
markers per board, the stage headers, then the amber and red zone labels.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from tilegen.fonts import fit_size, wrap
from tilegen.layout import BLACK, WHITE, Layout, Line, Matrix, Place, Polygon, Rect, Text, hatch
from tilegen.layout import outline as box
from tilegen.markers import marker_cells, marker_matrix
from tilegen.standard import CORNERS, STAGES, BoardGeometry, marker_id
from tilegen.tile import STATUS_COLOURS, TILE_HEIGHT_MM, TILE_WIDTH_MM

from .pdf import write_pdf
from .templates import Paper, get_paper

#: White margin printed round each marker's black square (the standard asks for >= 10 mm).
MARKER_MARGIN_MM = 12.0
#: Room under (or over) a marker for its label, inside the cut line.
MARKER_TEXT_MM = 26.0
HEADER_SIZE_MM = (190.0, 75.0)
ZONE_LABEL_SIZE_MM = (190.0, 36.0)
PAGE_MARGIN_MM = 10.0
TITLE_MM = 16.0
CUT = "#9e9e9e"
AMBER, RED = STATUS_COLOURS["amber"], STATUS_COLOURS["red"]
PALE = {"amber": "#fde9b0", "red": "#f3c1c1"}
ZONE_WORDS = {"amber": "DUE SOON", "red": "OVERDUE"}
#: Scales offered for the fitting guide, largest first (1:n).
GUIDE_SCALES = (4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50)


@dataclass(frozen=True)
class Board:
    """One stage board as the kit needs it."""

    stage: int
    name: str
    geometry: BoardGeometry


def boards_for(stage_names: dict[int, str], geometries: dict[int, BoardGeometry]) -> list[Board]:
    return [
        Board(s, stage_names.get(s) or STAGES[s], geometries.get(s) or BoardGeometry(s))
        for s in STAGES
    ]


# -- pieces -----------------------------------------------------------------------------


def up_arrow(cx: float, top: float, size: float) -> Polygon:
    """A filled arrow pointing up, ``size`` tall, its tip at (cx, top)."""
    s = size
    return Polygon(
        (
            (cx, top),
            (cx + 0.5 * s, top + 0.5 * s),
            (cx + 0.17 * s, top + 0.5 * s),
            (cx + 0.17 * s, top + s),
            (cx - 0.17 * s, top + s),
            (cx - 0.17 * s, top + 0.5 * s),
            (cx - 0.5 * s, top + 0.5 * s),
        )
    )


def marker_piece(board: Board, corner: int, base: int = 0) -> Layout:
    """One corner marker to cut out: the black square, a white margin, and its label on
    the side that faces into the board (below for top corners, above for bottom ones)."""
    size = board.geometry.marker_mm
    m = MARKER_MARGIN_MM
    width, height = size + 2 * m, size + 2 * m + MARKER_TEXT_MM
    ident = marker_id(board.stage, corner, base)
    top_corner = corner in (0, 1)
    square_y = m if top_corner else MARKER_TEXT_MM + m
    text_y = size + 2 * m if top_corner else 0.0
    cells = marker_matrix(ident)
    items: list = [
        box(0, 0, width, height, stroke=CUT, stroke_mm=0.3, dash_mm=(2.0, 1.5)),
        Matrix(m, square_y, size / marker_cells(), cells),
    ]
    cx = width / 2
    where = CORNERS[corner]
    title = f"Board {board.stage} \u00b7 {where.upper()}"
    items.append(
        Text(
            cx,
            text_y + 6.0,
            title,
            fit_size(title, width - 6, 5.0, "bold"),
            "bold",
            anchor="middle",
        )
    )
    name = board.name
    items.append(Text(cx, text_y + 11.0, name, fit_size(name, width - 6, 3.4), anchor="middle"))
    stick = "stick here, this way up"
    stick_size = fit_size(stick, width - 16, 3.6, "bold")
    items.append(Text(cx + 3.0, text_y + 17.5, stick, stick_size, "bold", anchor="middle"))
    items.append(up_arrow(cx - 3.0 - stick_size * 6.2, text_y + 13.8, 4.6))
    note = f"marker {ident}: its {where} corner on the board's {where} corner"
    items.append(
        Text(
            cx, text_y + 22.5, note, fit_size(note, width - 6, 2.4), anchor="middle", fill="#555555"
        )
    )
    return Layout(width, height, tuple(items), meta={"marker_id": ident, "stage": board.stage})


def stage_header(board: Board, team_name: str) -> Layout:
    """The board's name in large type, to go at the top between the top markers."""
    w, h = HEADER_SIZE_MM
    items: list = [box(0, 0, w, h, stroke=CUT, stroke_mm=0.3, dash_mm=(2.0, 1.5))]
    number = str(board.stage)
    items.append(Text(22.0, h / 2 + 16.0, number, 46.0, "bold", anchor="middle"))
    items.append(Line(44.0, 10.0, 44.0, h - 10.0, BLACK, 0.8))
    lines = wrap(board.name, w - 56.0, 13.0, "bold")
    size = 13.0 if len(lines) <= 2 else 9.5
    lines = wrap(board.name, w - 56.0, size, "bold")[:3]
    y = h / 2 - (len(lines) - 1) * size * 0.62 + size * 0.36 - 4.0
    for line in lines:
        items.append(Text(52.0, y, line, size, "bold"))
        y += size * 1.24
    items.append(
        Text(52.0, h - 7.0, f"{team_name} \u00b7 stage {number} of 6", 4.0, fill="#555555")
    )
    return Layout(w, h, tuple(items), meta={"stage": board.stage})


def zone_label(board: Board, zone: str, amber_days: int) -> Layout:
    """The amber or red zone label: colour, words and a pattern (as on the date sticker)."""
    w, h = ZONE_LABEL_SIZE_MM
    colour = AMBER if zone == "amber" else RED
    ink = BLACK if zone == "amber" else WHITE
    items: list = [Rect(0, 0, w, h, fill=colour, stroke=BLACK, stroke_mm=0.4)]
    for x in (0.0, w - 18.0):
        items += hatch(x, 0, 18.0, h, 2.5, ink, 0.5, cross=zone == "red")
    items.append(Text(w / 2, 17.5, ZONE_WORDS[zone], 13.0, "bold", anchor="middle", fill=ink))
    sub = (
        f"review due within {amber_days} days: move the tile here"
        if zone == "amber"
        else "review date has passed: move the tile here"
    )
    items.append(Text(w / 2, 25.5, sub, fit_size(sub, w - 44, 4.2), anchor="middle", fill=ink))
    where = f"Board {board.stage} \u00b7 {board.name}"
    items.append(Text(w / 2, 31.5, where, fit_size(where, w - 44, 3.2), anchor="middle", fill=ink))
    return Layout(w, h, tuple(items), meta={"zone": zone, "stage": board.stage})


# -- pages ------------------------------------------------------------------------------


def _title(paper: Paper, text: str, note: str = "") -> list:
    items: list = [
        Text(
            PAGE_MARGIN_MM,
            PAGE_MARGIN_MM + 5.0,
            text,
            fit_size(text, paper.width - 20, 6.0, "bold"),
            "bold",
        )
    ]
    if note:
        items.append(Text(PAGE_MARGIN_MM, PAGE_MARGIN_MM + 10.5, note, 3.0, fill="#555555"))
    return items


def grid_pages(paper: Paper, pieces: Sequence[Layout], title: str, note: str = "") -> list[Layout]:
    """Pieces of one size in a centred grid under a title, as many pages as needed."""
    pw, ph = pieces[0].width, pieces[0].height
    room_w = paper.width - 2 * PAGE_MARGIN_MM
    room_h = paper.height - 2 * PAGE_MARGIN_MM - TITLE_MM
    cols, rows = int((room_w + 4) // (pw + 4)), int((room_h + 4) // (ph + 4))
    if cols < 1 or rows < 1:
        raise ValueError(f"a {pw:g} x {ph:g} mm piece does not fit on {paper.name} paper")
    gap_x = (room_w - cols * pw) / (cols + 1) if cols > 1 else (room_w - pw) / 2
    gap_y = min(8.0, (room_h - rows * ph) / max(1, rows - 1)) if rows > 1 else 0.0
    per_page = cols * rows
    pages = []
    for first in range(0, len(pieces), per_page):
        items = _title(paper, title, note)
        for i, piece in enumerate(pieces[first : first + per_page]):
            r, c = divmod(i, cols)
            x = PAGE_MARGIN_MM + gap_x + c * (pw + gap_x) if cols > 1 else PAGE_MARGIN_MM + gap_x
            y = PAGE_MARGIN_MM + TITLE_MM + r * (ph + gap_y)
            items.append(Place(x, y, piece))
        pages.append(Layout(paper.width, paper.height, tuple(items)))
    return pages


def _scale(paper_w: float, paper_h: float, geometry: BoardGeometry) -> int:
    for n in GUIDE_SCALES:
        if geometry.width_mm / n <= paper_w and geometry.height_mm / n <= paper_h:
            return n
    raise ValueError(f"a {geometry.width_mm:g} mm board is too big for the fitting guide")


def fitting_guide(
    paper: Paper, geometry: BoardGeometry, stages: Sequence[int], amber_days: int
) -> Layout:
    """One landscape page: the board drawn to scale with every piece where it goes."""
    pw, ph = paper.height, paper.width  # landscape
    text_w = 92.0
    area_w = pw - 2 * PAGE_MARGIN_MM - text_w - 14.0
    area_h = ph - 2 * PAGE_MARGIN_MM - TITLE_MM - 14.0
    n = _scale(area_w, area_h, geometry)
    s = 1.0 / n
    bw, bh = geometry.width_mm, geometry.height_mm
    ox, oy = PAGE_MARGIN_MM + 4.0, PAGE_MARGIN_MM + TITLE_MM + 4.0
    which = "every board" if len(stages) == 6 else "boards " + ", ".join(map(str, stages))
    items = _title(
        Paper("landscape", pw, ph),
        f"Fitting guide: {which}, {bw:g} x {bh:g} mm",
        f"Drawn to scale 1:{n} from the board standard. Measurements are to the outer "
        "corners of the markers' black squares.",
    )

    def rect(x, y, w, h, **kw):
        return Rect(ox + x * s, oy + y * s, w * s, h * s, **kw)

    items.append(rect(0, 0, bw, bh, fill="#ffffff", stroke=BLACK, stroke_mm=0.5))
    for zone in geometry.zones:
        zx, zy, zw, zh = (
            zone.x0 * bw,
            zone.y0 * bh,
            (zone.x1 - zone.x0) * bw,
            (zone.y1 - zone.y0) * bh,
        )
        items.append(
            rect(
                zx,
                zy,
                zw,
                zh,
                fill=PALE.get(zone.name, "#eeeeee"),
                stroke="#777777",
                stroke_mm=0.3,
                dash_mm=(1.5, 1.0),
            )
        )
        lw, lh = ZONE_LABEL_SIZE_MM
        lx, ly = zx + max(10.0, (zw - lw) / 2), zy + 10.0
        items.append(
            rect(lx, ly, min(lw, zw - 20), lh, fill=AMBER if zone.name == "amber" else RED)
        )
        word = ZONE_WORDS.get(zone.name, zone.name)
        items.append(
            Text(
                ox + (lx + min(lw, zw - 20) / 2) * s,
                oy + (ly + lh) * s + 4.0,
                f"{word} label",
                2.6,
                "bold",
                anchor="middle",
            )
        )
        span = f"{zone.name}: {zx:g}-{zx + zw:g} mm across, {zy:g}-{zy + zh:g} mm down"
        items.append(
            Text(
                ox + (zx + zw / 2) * s,
                oy + (ly + lh) * s + 8.0,
                span,
                fit_size(span, zw * s - 4, 2.2),
                anchor="middle",
                fill="#333333",
            )
        )
    # Stage header, top centre.
    hw, hh = HEADER_SIZE_MM
    hx, hy = (bw - hw) / 2, 15.0
    items.append(rect(hx, hy, hw, hh, fill="#ffffff", stroke=BLACK, stroke_mm=0.3))
    items.append(
        Text(
            ox + bw / 2 * s,
            oy + (hy + hh / 2) * s + 1.0,
            "stage header",
            2.6,
            "bold",
            anchor="middle",
        )
    )
    # Markers: grey squares (a drawn-to-scale marker would confuse a scanner).
    for corner in range(4):
        (x0, y0), _, (x1, y1), _ = geometry.marker_corners_mm(corner)
        items.append(rect(x0, y0, x1 - x0, y1 - y0, fill="#777777"))
        tx = ox + ((x1 + 8) if corner in (0, 3) else (x0 - 8)) * s
        ty = oy + ((y1 + y0) / 2) * s + 1.0 if corner in (0, 1) else oy + y0 * s - 1.5
        label = f"marker {CORNERS[corner]}"
        items.append(Text(tx, ty, label, 2.4, anchor="start" if corner in (0, 3) else "end"))
    main = "main: on track"
    items.append(
        Text(ox + bw / 2 * s, oy + bh * 0.45 * s, main, 3.0, anchor="middle", fill="#555555")
    )
    # Two tiles to scale, to give a sense of size.
    for tx, ty in ((bw * 0.2, bh * 0.3), (bw * 0.6, bh * 0.3)):
        items.append(
            rect(
                tx,
                ty,
                TILE_WIDTH_MM,
                TILE_HEIGHT_MM,
                fill="#dddddd",
                stroke="#555555",
                stroke_mm=0.2,
            )
        )
    items.append(
        Text(
            ox + bw * 0.2 * s,
            oy + (bh * 0.3 + TILE_HEIGHT_MM) * s + 3.0,
            "tiles, to scale",
            2.2,
            fill="#555555",
        )
    )
    # Dimensions.
    by = oy + bh * s + 5.0
    items.append(Line(ox, by, ox + bw * s, by, BLACK, 0.25))
    items.append(Text(ox + bw * s / 2, by + 4.0, f"{bw:g} mm", 3.2, "bold", anchor="middle"))
    bx = ox + bw * s + 4.0
    items.append(Line(bx, oy, bx, oy + bh * s, BLACK, 0.25))
    items.append(Text(bx + 1.5, oy + bh * s / 2, f"{bh:g} mm", 3.2, "bold"))
    items += _steps(pw - PAGE_MARGIN_MM - text_w, oy, text_w, geometry, amber_days)
    return Layout(pw, ph, tuple(items), meta={"scale": n, "stages": tuple(stages)})


def _steps(x: float, y: float, width: float, geometry: BoardGeometry, amber_days: int) -> list:
    bw, bh = geometry.width_mm, geometry.height_mm
    diagonal = (bw**2 + bh**2) ** 0.5
    zones = "; ".join(
        f"{ZONE_WORDS.get(z.name, z.name)} ({z.name}) from {z.y0 * bh:g} mm down, "
        f"{z.x0 * bw:g}-{z.x1 * bw:g} mm across"
        for z in geometry.zones
    )
    steps = [
        f"Mark out the board area, {bw:g} x {bh:g} mm. Check both diagonals are {diagonal:.0f} mm.",
        "Stick the four corner markers upright, the outer corner of each black square exactly on "
        "a corner of the area. Keep their white borders; never cover or bend a marker.",
        "Stick the stage header at the top, between the top markers.",
        f"Draw the zone lines: {zones}. Stick each zone label at the top of its zone.",
        f"Tiles due for review within {amber_days} days go in the amber zone; overdue tiles go "
        "in the red zone; everything else in the main area. A tile's zone is where its QR "
        "code's centre is.",
        "Photograph each board square on after the meeting, with all four markers in view.",
    ]
    items: list = [Text(x, y + 4.0, "How to fit a board", 4.6, "bold")]
    cy = y + 11.0
    for number, step in enumerate(steps, 1):
        items.append(Text(x, cy, f"{number}.", 3.0, "bold"))
        for line in wrap(step, width - 7.0, 3.0):
            items.append(Text(x + 6.0, cy, line, 3.0))
            cy += 4.1
        cy += 2.2
    return items


def board_kit_pages(
    *,
    team_name: str,
    stage_names: dict[int, str] | None = None,
    geometries: dict[int, BoardGeometry] | None = None,
    marker_base: int = 0,
    amber_days: int = 14,
    paper: str = "A4",
) -> list[Layout]:
    """Every page of the kit as layouts (see the module docstring for the order)."""
    sheet = get_paper(paper)
    boards = boards_for(stage_names or {}, geometries or {})
    pages: list[Layout] = []
    by_geometry: dict[tuple, list[Board]] = {}
    for board in boards:
        g = board.geometry
        key = (g.width_mm, g.height_mm, g.marker_mm, g.zones)
        by_geometry.setdefault(key, []).append(board)
    for group in by_geometry.values():
        stages = [b.stage for b in group]
        pages.append(fitting_guide(sheet, group[0].geometry, stages, amber_days))
    for board in boards:
        pieces = [marker_piece(board, corner, marker_base) for corner in (0, 1, 3, 2)]
        first, last = (marker_id(board.stage, c, marker_base) for c in (0, 3))
        pages += grid_pages(
            sheet,
            pieces,
            f"Board {board.stage}: {board.name} \u2013 corner markers {first}-{last}",
            "Cut along the dashed lines, keeping the white border round every black square.",
        )
    headers = [stage_header(b, team_name) for b in boards]
    pages += grid_pages(
        sheet,
        headers,
        f"{team_name}: stage headers",
        "One at the top of each board, between the top markers.",
    )
    labels = [zone_label(b, z, amber_days) for b in boards for z in ("amber", "red")]
    pages += grid_pages(
        sheet,
        labels,
        f"{team_name}: zone labels",
        "One amber and one red label per board, at the top of each zone.",
    )
    return pages


def write_board_kit(
    dest: str | os.PathLike | BinaryIO,
    *,
    team_name: str,
    stage_names: dict[int, str] | None = None,
    geometries: dict[int, BoardGeometry] | None = None,
    marker_base: int = 0,
    amber_days: int = 14,
    paper: str = "A4",
    offset_mm: tuple[float, float] = (0.0, 0.0),
) -> int:
    """Write the board kit PDF; returns the number of pages."""
    pages = board_kit_pages(
        team_name=team_name,
        stage_names=stage_names,
        geometries=geometries,
        marker_base=marker_base,
        amber_days=amber_days,
        paper=paper,
    )
    return write_pdf(pages, dest, offset_mm=offset_mm, title=f"caseboard board kit: {team_name}")
