"""Synthetic board photos with known ground truth, for tests, the benchmark and the demo.

:func:`make_board_photo` lays the boards out on a wall and renders it flat
(:mod:`scanner.synth_wall`: kit markers, the printed tile artwork, hands over
hidden markers, pen lines and a foreign QR poster), then photographs it with a
pinhole camera (:mod:`scanner.synth_camera`: yaw, pitch and roll, residual lens
distortion, Gaussian blur, hand-shake motion blur, a lighting gradient, a soft or a
hard glare spot, sensor noise and JPEG compression).

``px_per_module`` is the size of one QR module in photo pixels at the
centre of the view; with yaw the far side of a board gets smaller modules,
as it would with a real phone.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from tilegen.payload import TOKEN_ALPHABET, TOKEN_LENGTH, tile_url
from tilegen.qr import qr_symbol
from tilegen.standard import BoardGeometry
from tilegen.tile import QR_SIZE_MM
from tilegen.units import dpmm

from .synth_camera import (
    Optics,
    calibrated_camera,
    develop,
    distort_points,
    frame,
    shoot,
    to_photo,
)
from .synth_wall import (
    ART_DPI,
    POSTER_TEXT,
    TileArt,
    TileSpec,
    render_wall,
    tile_art,
    wall_layout,
    wall_size,
)

__all__ = [
    "DEMO_BASE_URL",
    "POSTER_TEXT",
    "SynthPhoto",
    "TileSpec",
    "TruthTile",
    "finder_glints",
    "make_board_photo",
    "random_tiles",
]

DEMO_BASE_URL = "http://127.0.0.1:5000"
CLEAR_MM = 18.0  # keep QR centres this far from zone edges so ground truth is unambiguous


@dataclass(frozen=True)
class TruthTile:
    """Where a tile really is, and whether its whole QR code is in the photo."""

    token: str
    payload: str
    stage: int
    zone: str
    x_mm: float
    y_mm: float
    visible: bool  # the whole QR code is inside the frame


@dataclass
class SynthPhoto:
    """A synthetic photo (already JPEG-compressed) and its ground truth."""

    image: Image.Image
    tiles: list[TruthTile]
    stages: list[int]
    markers_hidden: list[tuple[int, int]]
    params: dict = field(default_factory=dict)

    def jpeg_bytes(self, quality: int | None = None) -> bytes:
        buf = io.BytesIO()
        self.image.save(buf, "JPEG", quality=quality or self.params.get("jpeg_quality", 90))
        return buf.getvalue()

    @property
    def visible(self) -> list[TruthTile]:
        return [t for t in self.tiles if t.visible]


def random_tiles(stages, n_per_board, rng, geoms=None, skew_deg=4.0) -> list[TileSpec]:
    """Non-overlapping tiles on each board, clear of markers, header and zone edges, each
    stuck on up to ``skew_deg`` askew."""
    geoms = geoms or {s: BoardGeometry(s) for s in stages}
    specs = []
    for stage in stages:
        g = geoms[stage]
        boxes: list[tuple[float, float]] = []
        for _ in range(n_per_board):
            for _attempt in range(400):
                x = rng.uniform(70, g.width_mm - 70)
                y = rng.uniform(110, g.height_mm - 60)
                if _near_zone_edge(g, x, y) or any(
                    abs(x - bx) < 90 and abs(y - by) < 60 for bx, by in boxes
                ):
                    continue
                boxes.append((x, y))
                specs.append(_random_tile(stage, x, y, rng, skew_deg))
                break
    return specs


def _random_tile(stage: int, x: float, y: float, rng, skew_deg: float) -> TileSpec:
    """A tile at (x, y) with a random token, a made-up board code and a tilt."""
    token = "".join(rng.choice(list(TOKEN_ALPHABET), TOKEN_LENGTH))
    code = "".join(rng.choice(list("ABCDEFGHJKMNPRSTW"), 1)) + rng.choice(
        ["Wr", "Sm", "Jo", "Ba", "Ol", "Kh"]
    )
    return TileSpec(token, code, stage, x, y, float(rng.uniform(-skew_deg, skew_deg)))


def _near_zone_edge(g: BoardGeometry, x: float, y: float) -> bool:
    for dx, dy in ((0, 0), (CLEAR_MM, 0), (-CLEAR_MM, 0), (0, CLEAR_MM), (0, -CLEAR_MM)):
        if g.zone_at(x + dx, y + dy) != g.zone_at(x, y):
            return True
    # the tile body (70 x 42 mm around the QR's left part) must stay on the board
    return not (40 <= x <= g.width_mm - 60 and 40 <= y <= g.height_mm - 40)


def make_board_photo(
    tiles: list[TileSpec] | None = None,
    stages: tuple[int, ...] | list[int] = (1,),
    *,
    n_tiles: int = 10,
    base_url: str = DEMO_BASE_URL,
    yaw: float = 0.0,
    pitch: float = 0.0,
    roll: float = 0.0,
    blur: float = 0.6,
    noise: float = 3.0,
    px_per_module: float = 3.0,
    size: tuple[int, int] = (4000, 3000),
    hide_markers: tuple[tuple[int, int], ...] | list[tuple[int, int]] = (),
    gradient: float = 0.35,
    glare: bool | str = True,
    glare_at: tuple[float, float] | None = None,
    glints: tuple[tuple[int, float, float, float], ...] | list = (),
    motion_px: float = 0.0,
    motion_deg: float = 0.0,
    distortion: float = 0.0,
    skew_deg: float = 4.0,
    clutter: bool = True,
    poster: bool = True,
    jpeg_quality: int = 88,
    view_center: tuple[float, float] | None = None,
    geometries: dict[int, BoardGeometry] | None = None,
    marker_base: int = 0,
    seed: int = 0,
) -> SynthPhoto:
    """Photograph boards ``stages`` carrying ``tiles`` (random ones when None).

    ``view_center`` is where the camera points, in mm relative to the first
    board's top-left corner (default: the centre of all boards). The photo
    is returned after JPEG compression, as a phone would store it.

    Hand-held effects: ``motion_px`` and ``motion_deg``, a straight hand-shake streak
    (its length in photo pixels and its direction); ``glare="hard"``, a saturating
    specular spot (centred at ``glare_at``, fractions of the photo, else at random);
    ``glints``, small clipped spots, each ``(stage, x_mm, y_mm, diameter_mm)`` on a board
    (:func:`finder_glints` puts them over tiles' finder patterns);
    ``skew_deg``, how far random tiles may be stuck on askew;
    ``distortion``, the residual radial distortion at the photo's corners (see
    :class:`scanner.synth_camera.Optics`).
    """
    rng = np.random.default_rng(seed)
    stages = list(stages)
    geoms = {s: (geometries or {}).get(s) or BoardGeometry(s) for s in stages}
    if tiles is None:
        tiles = random_tiles(stages, n_tiles, rng, geoms, skew_deg)
    origins = wall_layout(stages, geoms)
    arts = {t.token: tile_art(t.token, t.board_code, base_url) for t in tiles}
    ppm = px_per_module / _module_mm(arts)  # photo px per wall mm at the view centre
    center = _aim(view_center, wall_size(origins, geoms), origins[stages[0]])
    cam = calibrated_camera(center, ppm, size, yaw, pitch, roll)
    k = _render_scale(ppm, yaw, pitch)
    hidden = set(map(tuple, hide_markers))
    wall = render_wall(
        geoms,
        origins,
        tiles,
        arts,
        k,
        marker_base=marker_base,
        hidden=hidden,
        clutter=clutter,
        poster=poster,
        rng=rng,
    )
    cam = frame(cam, geoms, origins, size) if view_center is None else cam
    photo = shoot(wall, cam, k, size)
    del wall  # the flat wall can be far larger than the photo
    spots = tuple(_glint_px(g, origins, cam, size, distortion, ppm) for g in glints)
    optics = Optics(
        blur, noise, gradient, glare, motion_px, motion_deg, distortion, glare_at, ppm, spots
    )
    img = develop(photo, optics, jpeg_quality, rng)
    truth = [
        _truth(t, geoms[t.stage], origins[t.stage], arts[t.token], cam, size, base_url, distortion)
        for t in tiles
    ]
    # each board's own homography, from board mm to photo pixels
    board_h = {
        s: cam @ np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1.0]]) for s, (ox, oy) in origins.items()
    }
    params = dict(
        yaw=yaw,
        pitch=pitch,
        roll=roll,
        blur=blur,
        motion_px=motion_px,
        motion_deg=motion_deg,
        glare=glare,
        distortion=distortion,
        px_per_module=px_per_module,
        size=size,
        jpeg_quality=jpeg_quality,
        seed=seed,
        board_h=board_h,
    )
    return SynthPhoto(img, truth, stages, sorted(hidden), params)


def _glint_px(glint, origins, cam, size, k1, ppm) -> tuple[float, float, float]:
    """A glint on a board (stage, x mm, y mm, diameter mm) in photo pixels."""
    stage, x, y, d = glint
    ox, oy = origins[stage]
    ((px, py),) = distort_points(to_photo(cam, np.array([[ox + x, oy + y]])), size, k1)
    return float(px), float(py), d * ppm


def finder_glints(
    tiles: list[TileSpec], base_url: str, rng, share: float, diameter_mm: float = 10.0
) -> list[tuple[int, float, float, float]]:
    """A glint over one finder pattern (chosen at random) of about ``share`` of the tiles."""
    out = []
    for t in tiles:
        if rng.uniform() >= share:
            continue
        corner = int(rng.integers(3))
        x, y = finder_centre_mm(t, base_url, corner)
        out.append((t.stage, x, y, diameter_mm))
    return out


def finder_centre_mm(t: TileSpec, base_url: str, corner: int) -> tuple[float, float]:
    """Board mm of a tile's finder pattern (0 top-left, 1 top-right, 2 bottom-left),
    the tile turned as it was stuck on."""
    n = qr_symbol(tile_url(base_url, t.token)).modules
    reach = (n / 2 - 3.5) * QR_SIZE_MM / n
    dx, dy = ((-reach, -reach), (reach, -reach), (-reach, reach))[corner]
    a = math.radians(t.angle_deg)
    return (
        t.x_mm + dx * math.cos(a) + dy * math.sin(a),
        t.y_mm - dx * math.sin(a) + dy * math.cos(a),
    )


def _module_mm(arts: dict[str, TileArt]) -> float:
    """The printed QR module size in mm (the median over the tiles' artwork)."""
    if not arts:
        return 1.2
    return float(np.median([a.qr_side_px / a.modules / dpmm(ART_DPI) for a in arts.values()]))


def _render_scale(ppm: float, yaw: float, pitch: float) -> float:
    """Pixels per mm to render the flat wall at: finer than the nearest part of the photo,
    so the camera's warp never enlarges it, within 3 to 10."""
    near = ppm * 2.2 if not (yaw or pitch) else ppm * (1.2 + abs(yaw) / 25 + abs(pitch) / 25)
    return min(max(1.6 * near, 3.0), 10.0)


def _aim(view_center, wall_mm, first_origin) -> tuple[float, float]:
    """Where the camera points, in wall mm: ``view_center`` on the first board, else the
    middle of the wall."""
    if view_center is None:
        return (wall_mm[0] / 2, wall_mm[1] / 2)
    return (first_origin[0] + view_center[0], first_origin[1] + view_center[1])


def _truth(t: TileSpec, g, origin, art: TileArt, cam, size, base_url, k1=0.0) -> TruthTile:
    """A tile's ground truth; visible when its QR code (with 10 % to spare) is in the frame."""
    ox, oy = origin
    half = art.qr_side_mm / 2 * 1.1
    corners = np.array(
        [[ox + t.x_mm + dx, oy + t.y_mm + dy] for dx in (-half, half) for dy in (-half, half)]
    )
    pts = distort_points(to_photo(cam, corners), size, k1)
    visible = bool(np.all((pts >= 0) & (pts < np.array(size))))
    zone = g.zone_at(t.x_mm, t.y_mm)
    return TruthTile(t.token, tile_url(base_url, t.token), t.stage, zone, t.x_mm, t.y_mm, visible)
