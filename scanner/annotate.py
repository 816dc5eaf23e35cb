"""The annotated photo: board outlines, zones, and each tile boxed in its zone colour."""

from __future__ import annotations

from collections.abc import Mapping

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


def annotate(
    gray: np.ndarray, scanned: PhotoScan, labels: Mapping[str, str] | None = None
) -> Image.Image:
    """A colour JPEG-ready picture, at most 2400 px across. Each tile is labelled with
    ``labels[token]`` (its board code, when the caller knows it), else with its token,
    board and zone; a label sits on a white plate above the tile so it stays legible."""
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
        if labels and t.token in labels:
            label = labels[t.token]
        else:
            label = f"{t.token} {t.stage or '-'}/{t.zone or '?'}"
        _label(img, label, q.min(axis=0), colour, thick)
    return Image.fromarray(img)


def _label(img: np.ndarray, text: str, top_left, colour, thick: int) -> None:
    """``text`` on a white plate just above ``top_left``, in the tile's zone colour."""
    font, scale, weight = cv2.FONT_HERSHEY_SIMPLEX, 0.9 * thick / 2, max(2, thick // 2 + 1)
    (w, h), base = cv2.getTextSize(text, font, scale, weight)
    x, y = int(top_left[0]), max(h + base + 4, int(top_left[1]) - 6)
    cv2.rectangle(img, (x - 3, y - h - 4), (x + w + 3, y + base), (255, 255, 255), -1)
    cv2.putText(img, text, (x, y), font, scale, tuple(int(c * 0.7) for c in colour), weight)
