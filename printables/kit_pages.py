"""Pages of the board kit: margins, a title, and cut-out pieces laid out in a grid."""

from __future__ import annotations

from collections.abc import Sequence

from tilegen.fonts import fit_size
from tilegen.layout import Layout, Place, Text

from .templates import Paper

PAGE_MARGIN_MM = 10.0
TITLE_MM = 16.0


def page_title(paper: Paper, text: str, note: str = "") -> list:
    """A page's bold title, with a line of grey note under it."""
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
        items = page_title(paper, title, note)
        for i, piece in enumerate(pieces[first : first + per_page]):
            r, c = divmod(i, cols)
            x = PAGE_MARGIN_MM + gap_x + c * (pw + gap_x) if cols > 1 else PAGE_MARGIN_MM + gap_x
            y = PAGE_MARGIN_MM + TITLE_MM + r * (ph + gap_y)
            items.append(Place(x, y, piece))
        pages.append(Layout(paper.width, paper.height, tuple(items)))
    return pages
