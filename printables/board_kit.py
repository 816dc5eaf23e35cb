"""The board kit: corner markers, stage headers, zone labels and a fitting guide.

Everything comes from :mod:`tilegen.standard` (marker ids, family, sizes, zones)
so the printed kit and the scanner cannot disagree. Pages, in order: the
fitting guide (one per distinct board geometry, :mod:`printables.kit_guide`), one
page of four corner markers per board, the stage headers, then the amber and red
zone labels (the pieces: :mod:`printables.kit_pieces`, laid out by
:mod:`printables.kit_pages`).
"""

from __future__ import annotations

import os
from typing import BinaryIO

from tilegen.layout import Layout
from tilegen.standard import BoardGeometry, marker_id

from .kit_guide import fitting_guide
from .kit_pages import grid_pages
from .kit_pieces import Board, boards_for, marker_piece, stage_header, zone_label
from .pdf import write_pdf
from .templates import Paper, get_paper

__all__ = [
    "Board",
    "board_kit_pages",
    "boards_for",
    "fitting_guide",
    "marker_piece",
    "stage_header",
    "write_board_kit",
    "zone_label",
]


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
    pages = _guide_pages(sheet, boards, amber_days)
    for board in boards:
        pages += _marker_pages(sheet, board, marker_base)
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


def _guide_pages(sheet: Paper, boards: list[Board], amber_days: int) -> list[Layout]:
    """One fitting guide per distinct geometry (size, markers and zones), naming its boards."""
    by_geometry: dict[tuple, list[Board]] = {}
    for board in boards:
        g = board.geometry
        key = (g.width_mm, g.height_mm, g.marker_mm, g.zones)
        by_geometry.setdefault(key, []).append(board)
    return [
        fitting_guide(sheet, group[0].geometry, [b.stage for b in group], amber_days)
        for group in by_geometry.values()
    ]


def _marker_pages(sheet: Paper, board: Board, marker_base: int) -> list[Layout]:
    """The board's four corner markers, in reading order (top-left, top-right, then bottom)."""
    pieces = [marker_piece(board, corner, marker_base) for corner in (0, 1, 3, 2)]
    first, last = (marker_id(board.stage, c, marker_base) for c in (0, 3))
    return grid_pages(
        sheet,
        pieces,
        f"Board {board.stage}: {board.name} \u2013 corner markers {first}-{last}",
        "Cut along the dashed lines, keeping the white border round every black square.",
    )


def write_board_kit(
    dest: str | os.PathLike | BinaryIO, *, offset_mm: tuple[float, float] = (0.0, 0.0), **kit
) -> int:
    """Write the board kit PDF; ``kit`` is what :func:`board_kit_pages` takes. Returns the
    number of pages."""
    pages = board_kit_pages(**kit)
    title = f"caseboard board kit: {kit['team_name']}"
    return write_pdf(pages, dest, offset_mm=offset_mm, title=title)
