"""The flat wall for synthetic photos: boards, kit markers, tile artwork and clutter.

The wall is laid out in millimetres (the boards side by side, up to three in a
row) and rendered flat at ``k`` pixels per mm, from the board-kit markers
(:mod:`tilegen.markers`) and the printed tile artwork (:mod:`tilegen.artwork`).
Markers can be covered by a hand-shaped blob; pen lines and a foreign QR poster
add clutter. :mod:`scanner.synth_camera` then photographs it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import qrcode
from PIL import Image, ImageDraw, ImageFont

from tilegen import artwork, tile
from tilegen.markers import marker_image
from tilegen.payload import tile_url
from tilegen.qr import qr_symbol
from tilegen.standard import MIN_MARKER_MARGIN_MM, STAGES, BoardGeometry, marker_id
from tilegen.units import dpmm

POSTER_TEXT = "https://example.org/summer-fun-day?ref=poster"
BOARD_GAP_MM = 160.0
WALL_MARGIN_MM = 120.0
ART_DPI = 600  # tile artwork is rendered at this resolution, then scaled onto the wall


@dataclass(frozen=True)
class TileSpec:
    """A tile to place: its QR centre at ``(x_mm, y_mm)`` on ``stage``'s board."""

    token: str
    board_code: str
    stage: int
    x_mm: float
    y_mm: float
    angle_deg: float = 0.0


@dataclass(frozen=True)
class TileArt:
    """A printed tile's picture and where its QR code sits in it."""

    image: Image.Image  # RGB, at ``dpi``
    qr_center_px: tuple[float, float]
    qr_side_px: float
    modules: int

    @property
    def qr_side_mm(self) -> float:
        return self.qr_side_px / dpmm(ART_DPI)


def tile_art(token: str, board_code: str, base_url: str, dpi: float = ART_DPI) -> TileArt:
    """The tile as printed (``tilegen.artwork``), with its QR box from ``tilegen.tile``."""
    img = artwork.tile_image(token, board_code, base_url, "Demo team", dpi).convert("RGB")
    x, y, w, h = tile.qr_box_mm()
    k = dpmm(dpi)
    modules = qr_symbol(tile_url(base_url, token)).modules
    return TileArt(img, ((x + w / 2) * k, (y + h / 2) * k), w * k, modules)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def wall_layout(stages, geoms) -> dict[int, tuple[float, float]]:
    """Top-left corner of each board on the wall, in wall mm: a row of up to three."""
    origins, x, y, row_h = {}, WALL_MARGIN_MM, WALL_MARGIN_MM, 0.0
    for i, stage in enumerate(stages):
        if i and i % 3 == 0:
            x, y = WALL_MARGIN_MM, y + row_h + BOARD_GAP_MM
        origins[stage] = (x, y)
        x += geoms[stage].width_mm + BOARD_GAP_MM
        row_h = max(row_h, geoms[stage].height_mm)
    return origins


def wall_size(origins, geoms) -> tuple[float, float]:
    """The wall's width and height in mm: every board plus a margin."""
    w = max(o[0] + geoms[s].width_mm for s, o in origins.items()) + WALL_MARGIN_MM
    h = max(o[1] + geoms[s].height_mm for s, o in origins.items()) + WALL_MARGIN_MM
    return w, h


def render_wall(
    geoms: dict[int, BoardGeometry],
    origins: dict[int, tuple[float, float]],
    tiles: list[TileSpec],
    arts: dict[str, TileArt],
    k: float,
    *,
    marker_base: int,
    hidden: set[tuple[int, int]],
    clutter: bool,
    poster: bool,
    rng: np.random.Generator,
) -> Image.Image:
    """The whole wall at ``k`` px per mm: boards, markers (``hidden`` ones under a hand),
    pen lines and a poster when asked, then the tiles."""
    wall_w, wall_h = wall_size(origins, geoms)
    wall = Image.new("RGB", (round(wall_w * k), round(wall_h * k)), (120, 118, 112))
    draw = ImageDraw.Draw(wall)
    for s in origins:
        draw_board(wall, draw, geoms[s], origins[s], k, marker_base, hidden, rng)
        if clutter:
            _pen_lines(draw, geoms[s], origins[s], k, rng)
    if poster:
        last = list(origins)[-1]
        o, g = origins[last], geoms[last]
        _poster(wall, o[0] + g.width_mm - 320, o[1] + 8, k)
    for t in tiles:
        ox, oy = origins[t.stage]
        paste_tile(wall, arts[t.token], ox + t.x_mm, oy + t.y_mm, t.angle_deg, dpmm(ART_DPI), k)
    return wall


def draw_board(wall, draw, geom, origin, k, marker_base, hidden, rng):
    """One board: its frame and surface, zone tape, the stage header and four markers."""
    ox, oy = origin
    x1, y1 = ox + geom.width_mm, oy + geom.height_mm
    draw.rectangle(
        [ox * k - 12 * k, oy * k - 12 * k, x1 * k + 12 * k, y1 * k + 12 * k], fill=(170, 172, 176)
    )
    draw.rectangle([ox * k, oy * k, x1 * k, y1 * k], fill=(238, 240, 238))
    _draw_zones(draw, geom, origin, k)
    draw.text(
        ((ox + geom.width_mm / 2) * k, (oy + 40) * k),
        f"{geom.stage}. {STAGES[geom.stage]}",
        fill=(30, 30, 30),
        font=_font(round(28 * k)),
        anchor="mm",
    )
    for corner in range(4):
        _draw_marker(wall, draw, geom, origin, corner, k, marker_base)
        if (geom.stage, corner) in hidden:
            (mx, my) = geom.marker_corners_mm(corner)[0]
            half = geom.marker_mm / 2
            _hand(draw, (ox + mx + half) * k, (oy + my + half) * k, geom.marker_mm * k, rng)


def _draw_zones(draw, geom, origin, k):
    """Zone tape and names, as the kit's zone labels would mark them."""
    ox, oy = origin
    for zone in geom.zones:
        zx0, zy0 = ox + zone.x0 * geom.width_mm, oy + zone.y0 * geom.height_mm
        zx1, zy1 = ox + zone.x1 * geom.width_mm, oy + zone.y1 * geom.height_mm
        colour = (200, 40, 40) if zone.name == "red" else (230, 150, 20)
        draw.rectangle(
            [zx0 * k, zy0 * k, zx1 * k, zy1 * k], outline=colour, width=max(1, round(3 * k))
        )
        draw.text(
            (zx0 * k + 90 * k, zy1 * k - 20 * k),
            zone.name.upper(),
            fill=colour,
            font=_font(round(16 * k)),
            anchor="ls",
        )


def _draw_marker(wall, draw, geom, origin, corner, k, marker_base):
    """One corner marker, drawn by the printed kit's own renderer, on the sticker's margin."""
    ox, oy = origin
    (mx, my) = geom.marker_corners_mm(corner)[0]
    tag = marker_image(marker_id(geom.stage, corner, marker_base), k, geom.marker_mm)
    m = MIN_MARKER_MARGIN_MM  # the printed sticker's white margin
    draw.rectangle(
        [
            (ox + mx - m) * k,
            (oy + my - m) * k,
            (ox + mx + geom.marker_mm + m) * k,
            (oy + my + geom.marker_mm + m) * k,
        ],
        fill=(252, 252, 252),
    )
    wall.paste(tag.convert("RGB"), (round((ox + mx) * k), round((oy + my) * k)))


def _hand(draw, cx, cy, size, rng):
    """A skin-coloured blob over a marker: a hand, a coat, a chair back."""
    pts = []
    for a in np.linspace(0, 2 * math.pi, 14, endpoint=False):
        r = size * rng.uniform(0.75, 1.05)
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    draw.polygon(pts, fill=(205, 160, 130))


def _poster(wall, x_mm, y_mm, k):
    """A foreign QR code (``POSTER_TEXT``), 70 mm across, with its top-left at (x_mm, y_mm)."""
    qr = qrcode.QRCode(border=4, box_size=1)
    qr.add_data(POSTER_TEXT)
    qr.make(fit=True)
    img = qr.make_image().convert("RGB")
    side = round(70 * k)
    wall.paste(img.resize((side, side), Image.NEAREST), (round(x_mm * k), round(y_mm * k)))


def _pen_lines(draw, geom, origin, k, rng):
    """Four random scribbles in marker pen across the board."""
    ox, oy = origin
    for _ in range(4):
        pts = [
            (
                (ox + rng.uniform(100, geom.width_mm - 100)) * k,
                (oy + rng.uniform(100, geom.height_mm - 100)) * k,
            )
        ]
        for _ in range(5):
            x, y = pts[-1]
            pts.append((x + rng.uniform(-60, 60) * k, y + rng.uniform(-40, 40) * k))
        draw.line(pts, fill=(30, 60, 150), width=max(1, round(2 * k)))


def paste_tile(wall, art: TileArt, cx_mm, cy_mm, angle, k_art, k):
    """Paste a tile turned by ``angle`` degrees, its QR centre at (cx_mm, cy_mm) on the wall."""
    img = art.image
    scale = k / k_art
    img = img.resize(
        (max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.LANCZOS
    )
    qcx, qcy = art.qr_center_px[0] * scale, art.qr_center_px[1] * scale
    rot = (
        img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=(0, 0, 0, 0))
        if angle
        else img
    )
    # where the QR centre lands after rotation about the image centre (expand keeps the centre)
    a = math.radians(-angle)
    dx, dy = qcx - img.width / 2, qcy - img.height / 2
    rx = rot.width / 2 + dx * math.cos(a) - dy * math.sin(a)
    ry = rot.height / 2 + dx * math.sin(a) + dy * math.cos(a)
    mask = Image.new("L", img.size, 255).rotate(angle, expand=True) if angle else None
    wall.paste(rot, (round(cx_mm * k - rx), round(cy_mm * k - ry)), mask)
