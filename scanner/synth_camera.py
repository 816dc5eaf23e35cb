"""The camera for synthetic photos: a pinhole phone camera, its aim, and its optics.

The camera is a homography from wall millimetres to photo pixels: yaw, pitch and
roll about the point it aims at, a 55° field of view across the long side. The
flat wall from :mod:`scanner.synth_wall` is warped through it, then "developed":
Gaussian blur, a lighting gradient, a glare spot, sensor noise and JPEG
compression, as a phone would store it.
"""

from __future__ import annotations

import io
import math

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


def develop(photo: np.ndarray, blur, noise, gradient, glare, jpeg_quality, rng) -> Image.Image:
    """Optics and sensor (see :func:`optics`), then JPEG compression, as a phone stores it."""
    img = Image.fromarray(optics(photo, blur, noise, gradient, glare, rng))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=jpeg_quality)
    img = Image.open(io.BytesIO(buf.getvalue()))
    img.load()
    return img


def optics(photo: np.ndarray, blur, noise, gradient, glare, rng) -> np.ndarray:
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
