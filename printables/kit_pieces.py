"""The board kit's cut-out pieces: corner markers, stage headers and zone labels.

Each piece is a :class:`~tilegen.layout.Layout` of its own size, cut along a dashed
line; :func:`printables.kit_pages.grid_pages` lays them out on pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from tilegen.fonts import fit_size, wrap
from tilegen.layout import BLACK, WHITE, Layout, Line, Matrix, Polygon, Rect, Text, hatch
from tilegen.layout import outline as box
from tilegen.markers import marker_cells, marker_matrix
from tilegen.standard import CORNERS, STAGES, BoardGeometry, marker_id
from tilegen.tile import STATUS_COLOURS

#: White margin printed round each marker's black square (the standard asks for >= 10 mm).
MARKER_MARGIN_MM = 12.0
#: Room under (or over) a marker for its label, inside the cut line.
MARKER_TEXT_MM = 26.0
HEADER_SIZE_MM = (190.0, 75.0)
ZONE_LABEL_SIZE_MM = (190.0, 36.0)
CUT = "#9e9e9e"
AMBER, RED = STATUS_COLOURS["amber"], STATUS_COLOURS["red"]
ZONE_WORDS = {"amber": "DUE SOON", "red": "OVERDUE"}


@dataclass(frozen=True)
class Board:
    """One stage board as the kit needs it."""

    stage: int
    name: str
    geometry: BoardGeometry


def boards_for(stage_names: dict[int, str], geometries: dict[int, BoardGeometry]) -> list[Board]:
    """All six boards, with the team's own names and geometries where it has them."""
    return [
        Board(s, stage_names.get(s) or STAGES[s], geometries.get(s) or BoardGeometry(s))
        for s in STAGES
    ]


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
    items += _marker_label(board, corner, ident, width, text_y)
    return Layout(width, height, tuple(items), meta={"marker_id": ident, "stage": board.stage})


def _marker_label(board: Board, corner: int, ident: int, width: float, text_y: float) -> list:
    """A marker's label, from ``text_y`` down: board and corner, name, which way up, its id."""
    cx = width / 2
    where = CORNERS[corner]
    title = f"Board {board.stage} \u00b7 {where.upper()}"
    items: list = [
        Text(
            cx,
            text_y + 6.0,
            title,
            fit_size(title, width - 6, 5.0, "bold"),
            "bold",
            anchor="middle",
        )
    ]
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
    return items


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
