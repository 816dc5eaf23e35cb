"""The camera for synthetic photos: a pinhole phone camera, its aim, and its optics.

The camera is a homography from wall millimetres to photo pixels: yaw, pitch and
roll about the point it aims at, a 55° field of view across the long side. The
flat wall from :mod:`scanner.synth_wall` is warped through it, then "developed":
the small radial distortion a phone leaves after its own lens correction, Gaussian
(focus) blur, linear motion blur (hand shake), a lighting gradient, a soft or a hard
(saturating, specular) glare spot, sensor noise and JPEG compression, as a phone
would store it.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

#: A phone's main camera, a little zoomed in: 55 degrees across the long side.
HFOV_DEG = 55.0


def camera_homography(center_mm, ppm, size, yaw, pitch, roll) -> np.ndarray:
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


def calibrated_camera(center, ppm, size, yaw, pitch, roll) -> np.ndarray:
    """A camera whose scale at ``center`` is ``ppm`` px per mm, foreshortening included.

    ``px_per_module`` therefore means the module size of a code at the centre
    of the view, as the photo shows it (the square root of its area); codes
    on the far side of a yawed board are smaller, as with a real phone.
    """
    target = ppm
    for _ in range(4):
        cam = camera_homography(center, ppm, size, yaw, pitch, roll)
        got = _scale_at(cam, *center)
        if abs(got / target - 1) < 0.002:
            break
        ppm *= target / got
    return cam


def frame(cam, geoms, origins, size) -> np.ndarray:
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


def to_photo(cam, pts_mm: np.ndarray) -> np.ndarray:
    """Wall points (N x 2, mm) as photo pixels (N x 2)."""
    pts = np.column_stack([pts_mm, np.ones(len(pts_mm))])
    p = (cam @ pts.T).T
    return p[:, :2] / p[:, 2:]


def shoot(wall: Image.Image, cam, k: float, size) -> np.ndarray:
    """The wall (rendered at ``k`` px per mm) as the camera sees it, before any optics."""
    return cv2.warpPerspective(
        np.asarray(wall),
        cam @ np.diag([1 / k, 1 / k, 1.0]),
        size,
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(90, 88, 84),
    )


@dataclass(frozen=True)
class Optics:
    """What the lens, the hand and the sensor do to the picture.

    ``motion_px`` is the length of a straight hand-shake streak in photo pixels, at
    ``motion_deg`` (0 = along the rows, counter-clockwise as seen, y up). ``glare`` is
    False, True (a soft sheen) or ``"hard"`` (a specular spot from a glossy sheet whose
    core saturates the sensor). ``distortion`` is the residual radial distortion: the
    fraction by which a point at the photo's corner moves outwards (negative: barrel).
    """

    blur: float = 0.6
    noise: float = 3.0
    gradient: float = 0.35
    glare: bool | str = True
    motion_px: float = 0.0
    motion_deg: float = 0.0
    distortion: float = 0.0
    glare_at: tuple[float, float] | None = None  # the spot's centre, as fractions of the photo
    px_per_mm: float = 2.5  # the wall's scale in the photo, which sizes the hard glare spot
    #: small clipped specular glints, (x, y, diameter) in photo pixels: a glossy tile's
    #: curl catching a light, about a finder pattern across
    glints: tuple[tuple[float, float, float], ...] = ()


def develop(photo: np.ndarray, optics: Optics, jpeg_quality, rng) -> Image.Image:
    """Optics and sensor (see :func:`apply_optics`), then JPEG compression, as a phone
    stores it."""
    img = Image.fromarray(apply_optics(photo, optics, rng))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=jpeg_quality)
    img = Image.open(io.BytesIO(buf.getvalue()))
    img.load()
    return img


def apply_optics(photo: np.ndarray, o: Optics, rng) -> np.ndarray:
    """Distortion, uneven light and glare (light that reaches the lens), then focus blur and
    hand shake, then the sensor: noise and clipping, which is what makes glare saturate."""
    if o.distortion:
        photo = distort(photo, o.distortion)
    h, w = photo.shape[:2]
    light = np.linspace(1.0 - o.gradient, 1.0, w, dtype=np.float32)[None, :]
    light = light * np.linspace(1.0, 1.0 - o.gradient / 3, h, dtype=np.float32)[:, None]
    out = photo.astype(np.float32)
    out *= light[:, :, None]
    if o.glare:
        _add_glare(out, o.glare == "hard", rng, o.glare_at, o.px_per_mm)
    for x, y, d in o.glints:
        _add_glint(out, x, y, d)
    if o.blur > 0:
        out = cv2.GaussianBlur(out, (0, 0), o.blur)
    if o.motion_px > 0:
        out = cv2.filter2D(out, -1, motion_kernel(o.motion_px, o.motion_deg))
    if o.noise > 0:
        out += rng.normal(0, o.noise, (h, w, 1)).astype(np.float32)
    np.clip(out, 0, 255, out=out)
    return out.astype(np.uint8)


def _add_glare(out: np.ndarray, hard: bool, rng, at=None, px_per_mm=2.5) -> None:
    """A soft sheen, or a hard specular spot: an elongated reflection whose core is far
    brighter than white (so the sensor clips it) with a halo that washes contrast out."""
    h, w = out.shape[:2]
    gx, gy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.25, 0.6) * h
    if at is not None:
        gx, gy = at[0] * w, at[1] * h
    yy, xx = np.ogrid[:h, :w]
    if not hard:
        r2 = ((xx - gx) ** 2 + (yy - gy) ** 2) / (0.08 * w) ** 2
        out += (55.0 * np.exp(-r2)).astype(np.float32)[:, :, None]
        return
    a = rng.uniform(0, math.pi)
    ca, sa = math.cos(a), math.sin(a)
    step = 4  # the spot is smooth: computed on a coarser grid, then enlarged
    yy, xx = (v.astype(np.float32) * step for v in np.ogrid[: h // step + 1, : w // step + 1])
    # the reflection of a ceiling light: about 70 x 38 mm across its clipped core
    u = ((xx - gx) * ca + (yy - gy) * sa) / (35 * px_per_mm)
    v = (-(xx - gx) * sa + (yy - gy) * ca) / (19 * px_per_mm)
    r2 = u**2 + v**2
    spot = 420.0 * np.exp(-(r2**2)) + 90.0 * np.exp(-r2 / 6)
    spot = cv2.resize(spot, (spot.shape[1] * step, spot.shape[0] * step))[:h, :w]
    out += spot[:, :, None]


def _add_glint(out: np.ndarray, x: float, y: float, diameter: float) -> None:
    """A small specular spot whose core (``diameter`` px across) clips, and a faint halo."""
    h, w = out.shape[:2]
    r = int(2.5 * diameter) + 2
    x0, y0, x1, y1 = max(int(x) - r, 0), max(int(y) - r, 0), min(int(x) + r, w), min(int(y) + r, h)
    if x1 <= x0 or y1 <= y0:
        return
    yy, xx = np.ogrid[y0:y1, x0:x1]
    q2 = ((xx - x) ** 2 + (yy - y) ** 2) / (diameter / 2 / 1.25) ** 2
    spot = 420.0 * np.exp(-(q2**2)) + 50.0 * np.exp(-q2 / 4)
    out[y0:y1, x0:x1] += spot.astype(np.float32)[:, :, None]


def motion_kernel(length: float, angle_deg: float) -> np.ndarray:
    """A straight streak ``length`` pixels long at ``angle_deg`` (counter-clockwise as
    seen): 64 points a pixel along it, each spread bilinearly over its four pixels."""
    half = int(math.ceil(length / 2)) + 1
    size = 2 * half + 1
    k = np.zeros((size, size), np.float64)
    n = max(2, int(64 * length))
    t = np.linspace(-length / 2, length / 2, n)
    x = half + t * math.cos(math.radians(angle_deg))
    y = half - t * math.sin(math.radians(angle_deg))
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = x - x0, y - y0
    for dx, dy, w in (
        (0, 0, (1 - fx) * (1 - fy)),
        (1, 0, fx * (1 - fy)),
        (0, 1, (1 - fx) * fy),
        (1, 1, fx * fy),
    ):
        np.add.at(k, (y0 + dy, x0 + dx), w)
    return (k / k.sum()).astype(np.float32)


def _radial(pts: np.ndarray, size, k1: float, inverse: bool) -> np.ndarray:
    """Radial distortion about the photo centre: r' = r (1 + k1 (r / r_corner)^2)."""
    w, h = size
    c = np.array([w / 2, h / 2])
    rmax2 = (w / 2) ** 2 + (h / 2) ** 2
    d = pts - c
    r2 = (d**2).sum(axis=-1, keepdims=True) / rmax2
    if not inverse:
        return c + d * (1 + k1 * r2)
    und = d / (1 + k1 * r2)  # undo it, refined once (a fixed-point step)
    r2 = (und**2).sum(axis=-1, keepdims=True) / rmax2
    return c + d / (1 + k1 * r2)


def distort_points(pts: np.ndarray, size, k1: float) -> np.ndarray:
    """Where undistorted photo points (N x 2) land after the residual distortion."""
    return _radial(pts, size, k1, inverse=False) if k1 else pts


def distort(photo: np.ndarray, k1: float) -> np.ndarray:
    """The photo with a residual radial distortion ``k1`` (see :class:`Optics`).

    The map is smooth, so it is computed on a grid eight times coarser and interpolated.
    """
    h, w = photo.shape[:2]
    # coarse sample i sits at 8 i + 3.5, where INTER_LINEAR's enlargement expects it
    ys, xs = np.mgrid[0 : h + 8 : 8, 0 : w + 8 : 8].astype(np.float32) + 3.5
    src = _radial(np.stack([xs, ys], axis=-1), (w, h), k1, inverse=True).astype(np.float32)
    big = cv2.resize(src, (src.shape[1] * 8, src.shape[0] * 8), interpolation=cv2.INTER_LINEAR)
    big = np.ascontiguousarray(big[:h, :w])
    return cv2.remap(photo, big[..., 0], big[..., 1], cv2.INTER_LINEAR, cv2.BORDER_REPLICATE)
