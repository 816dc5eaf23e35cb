"""The annotated photo: board outlines, zones, and each tile boxed in its zone colour."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from .results import PhotoScan

MAX_SIDE = 2400
COLOURS = {
    "main": (40, 170, 60),
    "amber": (255, 160, 0),
    "red": (220, 30, 30),
    None: (150, 60, 200),
}


def annotate(gray: np.ndarray, scanned: PhotoScan) -> Image.Image:
    """A colour JPEG-ready picture, at most 2400 px across."""
    s = min(1.0, MAX_SIDE / max(gray.shape))
    small = cv2.resize(gray, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else gray
    img = cv2.cvtColor(small, cv2.COLOR_GRAY2RGB)
    thick = max(2, round(3 * s * max(gray.shape) / 2000))
    for b in scanned.boards:
        for q in b.markers.values():
            cv2.polylines(img, [np.int32(q * s)], True, (0, 140, 255), thick)
        if not b.located:
            continue
        g = b.geometry
        for z in g.zones:
            box = np.array([[z.x0, z.y0], [z.x1, z.y0], [z.x1, z.y1], [z.x0, z.y1]]) * [
                g.width_mm,
                g.height_mm,
            ]
            cv2.polylines(img, [np.int32(b.to_photo(box) * s)], True, COLOURS[z.name], thick)
        outline = np.int32(b.outline_px() * s)
        cv2.polylines(img, [outline], True, (0, 90, 255), thick + 1)
        cv2.putText(
            img,
            f"board {b.stage}",
            tuple(int(v) for v in outline[0] + [0, -10]),
            cv2.FONT_HERSHEY_SIMPLEX,
            1.2 * thick / 3,
            (0, 90, 255),
            thick,
        )
    for t in scanned.sightings:
        colour = COLOURS.get(t.zone, COLOURS[None])
        q = np.int32(t.corners * s)
        cv2.polylines(img, [q], True, colour, thick)
        label = f"{t.token} {t.stage or '-'}/{t.zone or '?'}"
        cv2.putText(
            img,
            label,
            tuple(int(v) for v in q.min(axis=0) + [0, -6]),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.5 * thick / 2,
            colour,
            max(1, thick // 2),
        )
    return Image.fromarray(img)
