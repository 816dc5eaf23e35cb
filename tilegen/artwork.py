"""Ready-made pictures for other parts of caseboard (the scanner's synthetic photos, previews).

Everything here is drawn from the same layouts the PDF sheets use.
"""

from __future__ import annotations

from datetime import date

from PIL import Image

from .layout import Layout
from .markers import marker_image
from .raster import render
from .tile import (
    QR_CENTRE_MM,
    QR_SIZE_MM,
    QR_X_MM,
    QR_Y_MM,
    STICKER_BOX_MM,
    STICKER_HEIGHT_MM,
    STICKER_WIDTH_MM,
    TILE_HEIGHT_MM,
    TILE_WIDTH_MM,
    qr_box_mm,
    sticker_layout,
    tile_layout,
)


def tile_image(
    token: str, board_code: str, base_url: str, team_name: str = "", dpi: float = 300
) -> Image.Image:
    """A tile at its physical size (TILE_WIDTH_MM x TILE_HEIGHT_MM) at ``dpi``, RGB."""
    return render(tile_layout(token, board_code, base_url, team_name), dpi)


def sticker_image(board_code: str, next_review: date, status: str, dpi: float = 300) -> Image.Image:
    """A date sticker at its physical size at ``dpi``, RGB."""
    return render(sticker_layout(board_code, next_review, status), dpi)


def layout_image(layout: Layout, dpi: float = 300) -> Image.Image:
    return render(layout, dpi)


__all__ = [
    "QR_CENTRE_MM",
    "QR_SIZE_MM",
    "QR_X_MM",
    "QR_Y_MM",
    "STICKER_BOX_MM",
    "STICKER_HEIGHT_MM",
    "STICKER_WIDTH_MM",
    "TILE_HEIGHT_MM",
    "TILE_WIDTH_MM",
    "layout_image",
    "marker_image",
    "qr_box_mm",
    "sticker_image",
    "tile_image",
]
