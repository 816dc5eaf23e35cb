"""Date-sticker sheets."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from typing import BinaryIO

from tilegen.tile import sticker_layout

from .pdf import write_pdf
from .sheets import resolve_template, sheet_pages
from .templates import DEFAULT_STICKER_TEMPLATE, Template


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def write_sticker_sheets(
    stickers: Sequence[dict],
    dest: str | os.PathLike | BinaryIO,
    *,
    template: str | Template | None = None,
    paper: str = "A4",
    start: int = 1,
    offset_mm: tuple[float, float] = (0.0, 0.0),
    printed_on: date | None = None,
) -> int:
    """Write a PDF of date stickers; each of ``stickers`` has ``initials``, ``next_review``
    (date or ISO text) and ``status`` (red/amber/green). Returns the number of pages."""
    tmpl = resolve_template(template, paper, DEFAULT_STICKER_TEMPLATE)
    layouts = []
    for s in stickers:
        if not s.get("next_review"):
            raise ValueError(f"{s.get('token') or s['initials']} has no review date to print")
        layouts.append(
            sticker_layout(s["initials"], _as_date(s["next_review"]), s["status"], printed_on)
        )
    pages = sheet_pages(layouts, tmpl, start, "sticker")
    return write_pdf(pages, dest, offset_mm=offset_mm, title="caseboard date stickers")
