"""Synthetic board photos with known ground truth, for tests, the benchmark and the demo.

A "wall" is laid out in millimetres (the boards side by side), rendered flat
with the board-kit markers and the printed tile artwork, then photographed
by a pinhole camera: yaw, pitch and roll, Gaussian blur, a lighting
gradient, a glare spot, sensor noise and JPEG compression. Markers can be
covered by a hand-shaped blob; pen lines and a foreign QR poster add clutter.

``px_per_module`` is the size of one QR module in photo pixels at the
centre of the view; with yaw the far side of a board gets smaller modules,
as it would with a real phone.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np
import qrcode
from PIL import Image, ImageDraw, ImageFont

from tilegen.payload import TOKEN_ALPHABET, TOKEN_LENGTH, tile_url
from tilegen.standard import (
    MARKER_DICTIONARY,
    MIN_MARKER_MARGIN_MM,
    STAGES,
    BoardGeometry,
    marker_id,
)
from tilegen.units import dpmm

DEMO_BASE_URL = "http://127.0.0.1:5000"
POSTER_TEXT = "https://example.org/summer-fun-day?ref=poster"
#: A phone's main camera, a little zoomed in: 55 degrees across the long side.
HFOV_DEG = 55.0
BOARD_GAP_MM = 160.0
WALL_MARGIN_MM = 120.0
CLEAR_MM = 18.0  # keep QR centres this far from zone edges so ground truth is unambiguous


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
class TruthTile:
    token: str
    payload: str
    stage: int
    zone: str
    x_mm: float
    y_mm: float
    visible: bool  # the whole QR code is inside the frame


@dataclass
class SynthPhoto:
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


# --- artwork -----------------------------------------------------------------


@dataclass(frozen=True)
class TileArt:
    image: Image.Image  # RGB, at ``dpi``
    qr_center_px: tuple[float, float]
    qr_side_px: float
    modules: int


def _fallback_tile(token: str, board_code: str, base_url: str, dpi: float) -> TileArt:
    """A plain 70 x 42 mm tile: QR code on the left, board code on the right."""
    qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(tile_url(base_url, token))
    qr.make(fit=True)
    matrix = np.array(qr.get_matrix(), dtype=bool)
    modules = matrix.shape[0]
    k = dpmm(dpi)
    w, h, qr_mm, quiet_mm = 70.0, 42.0, 34.0, 4.0
    tile = Image.new("RGB", (round(w * k), round(h * k)), (250, 250, 246))
    side = round(qr_mm * k)
    qr_img = Image.fromarray(np.where(matrix, 20, 250).astype(np.uint8)).resize(
        (side, side), Image.NEAREST
    )
    x0 = y0 = round(quiet_mm * k)
    tile.paste(qr_img.convert("RGB"), (x0, y0))
    draw = ImageDraw.Draw(tile)
    draw.rectangle([0, 0, tile.width - 1, tile.height - 1], outline=(60, 90, 160), width=3)
    draw.text(
        (x0 + side + 4 * k, tile.height / 2),
        board_code,
        fill=(10, 10, 10),
        font=_font(round(9 * k)),
        anchor="lm",
    )
    return TileArt(tile, (x0 + side / 2, y0 + side / 2), float(side), modules)


def _artwork_tile(token: str, board_code: str, base_url: str, dpi: float) -> TileArt | None:
    """The real printed tile from ``tilegen.artwork``, with its QR box from ``tilegen.tile``."""
    try:
        from tilegen import artwork, tile
        from tilegen.qr import qr_symbol
    except ImportError:
        return None
    img = artwork.tile_image(token, board_code, base_url, "Demo team", dpi).convert("RGB")
    x, y, w, h = tile.qr_box_mm()
    k = dpmm(dpi)
    modules = qr_symbol(tile_url(base_url, token)).modules
    return TileArt(img, ((x + w / 2) * k, (y + h / 2) * k), w * k, modules)


def tile_art(token: str, board_code: str, base_url: str, dpi: float) -> TileArt:
    """The tile as printed: the real artwork when available, otherwise a plain stand-in."""
    return _artwork_tile(token, board_code, base_url, dpi) or _fallback_tile(
        token, board_code, base_url, dpi
    )


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def marker_image(marker: int, px_per_mm: float, size_mm: float) -> np.ndarray:
    """The board-kit marker's black square, drawn by the printed kit's own renderer."""
    try:
        from tilegen.markers import marker_image as printed
    except ImportError:
        printed = None
    if printed is not None:
        return np.asarray(printed(marker, px_per_mm, size_mm))
    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, MARKER_DICTIONARY))
    return cv2.aruco.generateImageMarker(
        dictionary, marker, round(size_mm * px_per_mm), borderBits=1
    )


# --- the flat wall -----------------------------------------------------------


def _wall_layout(stages, geoms) -> dict[int, tuple[float, float]]:
    """Top-left corner of each board on the wall, in wall mm: a row of up to three."""
    origins, x, y, row_h = {}, WALL_MARGIN_MM, WALL_MARGIN_MM, 0.0
    for i, stage in enumerate(stages):
        if i and i % 3 == 0:
            x, y = WALL_MARGIN_MM, y + row_h + BOARD_GAP_MM
        origins[stage] = (x, y)
        x += geoms[stage].width_mm + BOARD_GAP_MM
        row_h = max(row_h, geoms[stage].height_mm)
    return origins


def _draw_board(wall, draw, geom, origin, k, marker_base, hidden, rng):
    ox, oy = origin
    x1, y1 = ox + geom.width_mm, oy + geom.height_mm
    draw.rectangle(
        [ox * k - 12 * k, oy * k - 12 * k, x1 * k + 12 * k, y1 * k + 12 * k], fill=(170, 172, 176)
    )
    draw.rectangle([ox * k, oy * k, x1 * k, y1 * k], fill=(238, 240, 238))
    for zone in geom.zones:  # zone tape, as the kit's zone labels would mark them
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
    draw.text(
        ((ox + geom.width_mm / 2) * k, (oy + 40) * k),
        f"{geom.stage}. {STAGES[geom.stage]}",
        fill=(30, 30, 30),
        font=_font(round(28 * k)),
        anchor="mm",
    )
    for corner in range(4):
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
        wall.paste(
            Image.fromarray(tag).convert("RGB"), (round((ox + mx) * k), round((oy + my) * k))
        )
        if (geom.stage, corner) in hidden:
            _hand(
                draw,
                (ox + mx + geom.marker_mm / 2) * k,
                (oy + my + geom.marker_mm / 2) * k,
                geom.marker_mm * k,
                rng,
            )


def _hand(draw, cx, cy, size, rng):
    """A skin-coloured blob over a marker: a hand, a coat, a chair back."""
    pts = []
    for a in np.linspace(0, 2 * math.pi, 14, endpoint=False):
        r = size * rng.uniform(0.75, 1.05)
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    draw.polygon(pts, fill=(205, 160, 130))


def _poster(draw, wall, x_mm, y_mm, k):
    qr = qrcode.QRCode(border=4, box_size=1)
    qr.add_data(POSTER_TEXT)
    qr.make(fit=True)
    img = qr.make_image().convert("RGB")
    side = round(70 * k)
    wall.paste(img.resize((side, side), Image.NEAREST), (round(x_mm * k), round(y_mm * k)))


def _pen_lines(draw, geom, origin, k, rng):
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


def random_tiles(stages, n_per_board, rng, geoms=None, base_url=DEMO_BASE_URL) -> list[TileSpec]:
    """Non-overlapping tiles on each board, clear of markers, header and zone edges."""
    geoms = geoms or {s: BoardGeometry(s) for s in stages}
    taken: set[str] = set()
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
                token = "".join(rng.choice(list(TOKEN_ALPHABET), TOKEN_LENGTH))
                taken.add(token)
                code = "".join(rng.choice(list("ABCDEFGHJKMNPRSTW"), 1)) + rng.choice(
                    ["Wr", "Sm", "Jo", "Ba", "Ol", "Kh"]
                )
                specs.append(TileSpec(token, code, stage, x, y, float(rng.uniform(-4, 4))))
                break
    return specs


def _near_zone_edge(g: BoardGeometry, x: float, y: float) -> bool:
    for dx, dy in ((0, 0), (CLEAR_MM, 0), (-CLEAR_MM, 0), (0, CLEAR_MM), (0, -CLEAR_MM)):
        if g.zone_at(x + dx, y + dy) != g.zone_at(x, y):
            return True
    # the tile body (70 x 42 mm around the QR's left part) must stay on the board
    return not (40 <= x <= g.width_mm - 60 and 40 <= y <= g.height_mm - 40)


def _paste_tile(wall, art: TileArt, cx_mm, cy_mm, angle, k_art, k):
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


# --- the camera --------------------------------------------------------------


def _camera_homography(center_mm, ppm, size, yaw, pitch, roll):
    """Homography from wall mm to photo pixels for a pinhole camera aimed at ``center_mm``."""
    w, h = size
    f = (w / 2) / math.tan(math.radians(HFOV_DEG) / 2)
    dist = f / ppm
    y, p, r = (math.radians(v) for v in (yaw, pitch, roll))
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    rot = rz @ rx @ ry
    cx, cy = center_mm
    # point (X, Y) on the wall -> rot @ (X-cx, Y-cy, 0) + (0, 0, dist)
    m = np.column_stack([rot[:, 0], rot[:, 1], rot @ np.array([-cx, -cy, 0]) + [0, 0, dist]])
    k_mat = np.array([[f, 0, w / 2], [0, f, h / 2], [0, 0, 1]])
    return k_mat @ m


def _scale_at(cam, x, y) -> float:
    """Linear photo scale (px per mm, square root of the area scale) at wall point (x, y)."""
    p = cam @ [x, y, 1.0]
    jac = (cam[:2, :2] * p[2] - np.outer(p[:2], cam[2, :2])) / p[2] ** 2
    return math.sqrt(abs(np.linalg.det(jac)))


def _calibrated_camera(center, ppm, size, yaw, pitch, roll):
    """A camera whose scale at ``center`` is ``ppm`` px per mm, foreshortening included.

    ``px_per_module`` therefore means the module size of a code at the centre
    of the view, as the photo shows it (the square root of its area); codes
    on the far side of a yawed board are smaller, as with a real phone.
    """
    target = ppm
    for _ in range(4):
        cam = _camera_homography(center, ppm, size, yaw, pitch, roll)
        got = _scale_at(cam, *center)
        if abs(got / target - 1) < 0.002:
            break
        ppm *= target / got
    return cam


def _frame(cam, geoms, origins, size):
    """Shift the picture so the boards sit in the middle of the frame, as a person would aim."""
    pts = []
    for stage, (ox, oy) in origins.items():
        g = geoms[stage]
        for x, y in (
            (-12, -12),
            (g.width_mm + 12, -12),
            (g.width_mm + 12, g.height_mm + 12),
            (-12, g.height_mm + 12),
        ):
            p = cam @ [ox + x, oy + y, 1.0]
            pts.append(p[:2] / p[2])
    pts = np.array(pts)
    shift = np.array(size) / 2 - (pts.min(axis=0) + pts.max(axis=0)) / 2
    return np.array([[1, 0, shift[0]], [0, 1, shift[1]], [0, 0, 1.0]]) @ cam


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
    glare: bool = True,
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
    """
    rng = np.random.default_rng(seed)
    stages = list(stages)
    geoms = {s: (geometries or {}).get(s) or BoardGeometry(s) for s in stages}
    if tiles is None:
        tiles = random_tiles(stages, n_tiles, rng, geoms, base_url)
    origins = _wall_layout(stages, geoms)
    wall_w = max(o[0] + geoms[s].width_mm for s, o in origins.items()) + WALL_MARGIN_MM
    wall_h = max(o[1] + geoms[s].height_mm for s, o in origins.items()) + WALL_MARGIN_MM

    arts = {t.token: tile_art(t.token, t.board_code, base_url, 600) for t in tiles}
    module_mm = (
        float(np.median([a.qr_side_px / a.modules / dpmm(600) for a in arts.values()]))
        if arts
        else 1.2
    )
    ppm = px_per_module / module_mm  # photo px per wall mm at the view centre
    if view_center is None:
        center = (wall_w / 2, wall_h / 2)
    else:
        o = origins[stages[0]]
        center = (o[0] + view_center[0], o[1] + view_center[1])
    cam = _calibrated_camera(center, ppm, size, yaw, pitch, roll)
    near = ppm * 2.2 if not (yaw or pitch) else ppm * (1.2 + abs(yaw) / 25 + abs(pitch) / 25)
    k = min(max(1.6 * near, 3.0), 10.0)  # render scale of the flat wall, px per mm
    wall = Image.new("RGB", (round(wall_w * k), round(wall_h * k)), (120, 118, 112))
    draw = ImageDraw.Draw(wall)
    hidden = set(map(tuple, hide_markers))
    for s in stages:
        _draw_board(wall, draw, geoms[s], origins[s], k, marker_base, hidden, rng)
        if clutter:
            _pen_lines(draw, geoms[s], origins[s], k, rng)
    if poster:
        o, g = origins[stages[-1]], geoms[stages[-1]]
        _poster(draw, wall, o[0] + g.width_mm - 320, o[1] + 8, k)
    for t in tiles:
        ox, oy = origins[t.stage]
        _paste_tile(wall, arts[t.token], ox + t.x_mm, oy + t.y_mm, t.angle_deg, dpmm(600), k)

    cam = _frame(cam, geoms, origins, size) if view_center is None else cam
    to_tex = np.diag([1 / k, 1 / k, 1.0])
    h_img = cam @ to_tex
    photo = cv2.warpPerspective(
        np.asarray(wall),
        h_img,
        size,
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(90, 88, 84),
    )
    del wall
    photo = _optics(photo, blur, noise, gradient, glare, rng)
    img = Image.fromarray(photo)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=jpeg_quality)
    img = Image.open(io.BytesIO(buf.getvalue()))
    img.load()

    truth = []
    for t in tiles:
        g, (ox, oy), art = geoms[t.stage], origins[t.stage], arts[t.token]
        half = art.qr_side_px / dpmm(600) / 2 * 1.1
        corners = np.array(
            [
                [ox + t.x_mm + dx, oy + t.y_mm + dy, 1.0]
                for dx in (-half, half)
                for dy in (-half, half)
            ]
        )
        pts = (cam @ corners.T).T
        pts = pts[:, :2] / pts[:, 2:]
        visible = bool(np.all((pts >= 0) & (pts < np.array(size))))
        truth.append(
            TruthTile(
                t.token,
                tile_url(base_url, t.token),
                t.stage,
                g.zone_at(t.x_mm, t.y_mm),
                t.x_mm,
                t.y_mm,
                visible,
            )
        )
    board_h = {
        s: cam @ np.array([[1, 0, o[0]], [0, 1, o[1]], [0, 0, 1.0]]) for s, o in origins.items()
    }
    params = dict(
        yaw=yaw,
        pitch=pitch,
        roll=roll,
        blur=blur,
        px_per_module=px_per_module,
        size=size,
        jpeg_quality=jpeg_quality,
        seed=seed,
        board_h=board_h,
    )
    return SynthPhoto(img, truth, stages, sorted(hidden), params)


def _optics(photo: np.ndarray, blur, noise, gradient, glare, rng) -> np.ndarray:
    """Lens blur, uneven light, a glare spot and sensor noise, in place where possible."""
    if blur > 0:
        photo = cv2.GaussianBlur(photo, (0, 0), blur)
    h, w = photo.shape[:2]
    light = np.linspace(1.0 - gradient, 1.0, w, dtype=np.float32)[None, :]
    light = light * np.linspace(1.0, 1.0 - gradient / 3, h, dtype=np.float32)[:, None]
    out = photo.astype(np.float32)
    out *= light[:, :, None]
    if glare:
        gx, gy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.25, 0.6) * h
        yy, xx = np.ogrid[:h, :w]
        r2 = ((xx - gx) ** 2 + (yy - gy) ** 2) / (0.08 * w) ** 2
        out += (55.0 * np.exp(-r2)).astype(np.float32)[:, :, None]
    if noise > 0:
        out += rng.normal(0, noise, (h, w, 1)).astype(np.float32)
    np.clip(out, 0, 255, out=out)
    return out.astype(np.uint8)
