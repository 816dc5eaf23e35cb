"""Corner markers to boards: detection, homographies, reprojection check, uncertainty.

Markers are found on a downscaled copy (fast), refined at full resolution,
and a board that lacks a marker gets a second, full-resolution look where
the other markers say the missing one should be.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from tilegen.standard import MARKER_DICTIONARY, BoardGeometry, marker_role

DETECT_LONG_SIDE = 2400  # downscale photos to this long side for marker detection
MIN_MARKERS = 2  # fewer than this cannot locate a board at all
SAMPLES = 24  # perturbed homographies used to test whether a placement is certain


def _detector() -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    params.minMarkerPerimeterRate = 0.01
    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, MARKER_DICTIONARY))
    return cv2.aruco.ArucoDetector(dictionary, params)


@dataclass
class Board:
    """One board located (or not) in one photo. ``h`` maps board mm to photo pixels."""

    stage: int
    geometry: BoardGeometry
    markers: dict[int, np.ndarray]  # corner -> 4x2 pixel corners
    h: np.ndarray | None = None
    h_inv: np.ndarray | None = None
    rms_px: float = 0.0
    problem: str | None = None
    samples: list[np.ndarray] = field(default_factory=list)  # perturbed inverse homographies

    @property
    def located(self) -> bool:
        return self.h is not None and self.problem is None

    def to_board(self, pts_px: np.ndarray) -> np.ndarray:
        return cv2.perspectiveTransform(pts_px.reshape(-1, 1, 2).astype(np.float64), self.h_inv)[
            :, 0
        ]

    def to_photo(self, pts_mm: np.ndarray) -> np.ndarray:
        return cv2.perspectiveTransform(pts_mm.reshape(-1, 1, 2).astype(np.float64), self.h)[:, 0]

    def px_per_mm(self) -> float:
        g = self.geometry
        c = np.array(
            [[g.width_mm / 2, g.height_mm / 2], [g.width_mm / 2 + 10, g.height_mm / 2 + 10]]
        )
        p = self.to_photo(c)
        return float(np.linalg.norm(p[1] - p[0]) / np.hypot(10, 10))

    def px_per_mm_at(self, p_mm: np.ndarray) -> float:
        """The board's scale in the photo around ``p_mm``: with yaw, the far side is smaller."""
        sq = self.to_photo(np.array([p_mm, p_mm + (5.0, 0.0), p_mm + (0.0, 5.0)]))
        a, c = sq[1] - sq[0], sq[2] - sq[0]
        return float(np.sqrt(abs(a[0] * c[1] - a[1] * c[0])) / 5.0)

    def covers(self, p_mm: np.ndarray, margin: float = 0.0) -> bool:
        """True when the board point ``p_mm`` lies on the board, or within ``margin`` mm of it."""
        g = self.geometry
        x, y = p_mm[0], p_mm[1]
        return bool(-margin <= x <= g.width_mm + margin and -margin <= y <= g.height_mm + margin)

    def outline_px(self) -> np.ndarray:
        g = self.geometry
        return self.to_photo(
            np.array([[0, 0], [g.width_mm, 0], [g.width_mm, g.height_mm], [0, g.height_mm]])
        )

    def marker_side_px(self) -> float:
        sides = [
            np.linalg.norm(c - np.roll(c, 1, axis=0), axis=1).mean() for c in self.markers.values()
        ]
        return float(np.mean(sides)) if sides else 0.0


def detect(gray: np.ndarray, scale: float) -> tuple[list[int], list[np.ndarray]]:
    """Marker ids and full-resolution corners, detecting on a copy scaled by ``scale``."""
    small = (
        gray
        if scale >= 1
        else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    )
    corners, ids, _ = _detector().detectMarkers(small)
    if ids is None:
        return [], []
    out = [c.reshape(4, 2).astype(np.float32) / min(scale, 1.0) for c in corners]
    if scale < 1:
        out = [_refine(gray, c) for c in out]
    return [int(i) for i in ids.ravel()], out


def _refine(gray: np.ndarray, corners: np.ndarray) -> np.ndarray:
    side = float(np.linalg.norm(corners - np.roll(corners, 1, axis=0), axis=1).mean())
    win = int(max(2, min(7, side / 20)))
    pts = corners.reshape(-1, 1, 2).copy()
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.02)
    cv2.cornerSubPix(gray, pts, (win, win), (-1, -1), crit)
    refined = pts.reshape(4, 2)
    # keep the coarse corner if refinement wandered off (a corner hidden by glare, say)
    moved = np.linalg.norm(refined - corners, axis=1)
    return np.where((moved < win)[:, None], refined, corners)


def locate_boards(
    gray: np.ndarray, geometries: dict[int, BoardGeometry], marker_base: int = 0
) -> tuple[list[Board], dict]:
    """All boards with at least one marker in the photo; plus detection facts for the report."""
    h, w = gray.shape
    scale = min(1.0, DETECT_LONG_SIDE / max(h, w))
    ids, corners = detect(gray, scale)
    if not ids and scale < 1:
        scale = min(1.0, scale * 2)
        ids, corners = detect(gray, scale)
    boards: dict[int, Board] = {}
    seen: dict[int, int] = {}
    foreign = 0
    for mid, c in zip(ids, corners, strict=True):
        role = marker_role(mid, marker_base)
        if role is None or role[0] not in geometries:
            foreign += 1
            continue
        stage, corner = role
        seen[mid] = seen.get(mid, 0) + 1
        board = boards.setdefault(stage, Board(stage, geometries[stage], {}))
        board.markers[corner] = c
    for board in boards.values():
        twice = [c for c in board.markers if seen.get(_id(board, c, marker_base), 0) > 1]
        if twice:
            board.problem = f"marker {_id(board, twice[0], marker_base)} appears twice in the photo"
            continue
        _fit(board)
        if board.h is not None and len(board.markers) < 4 and _look_again(gray, board, marker_base):
            _fit(board)
    facts = {"scale": scale, "foreign_markers": foreign}
    return sorted(boards.values(), key=lambda b: b.stage), facts


def _id(board: Board, corner: int, base: int) -> int:
    return base + 4 * (board.stage - 1) + corner


def _points(board: Board, corners: list[int]) -> tuple[np.ndarray, np.ndarray]:
    mm = np.array([p for c in corners for p in board.geometry.marker_corners_mm(c)], np.float64)
    px = np.concatenate([board.markers[c] for c in corners]).astype(np.float64)
    return mm, px


def _fit(board: Board) -> None:
    """Fit the homography from every marker corner; reject it when the corners disagree."""
    board.h = board.h_inv = None
    board.problem = None
    if len(board.markers) < MIN_MARKERS:
        board.problem = "only one marker visible"
        return
    corners = sorted(board.markers)
    h, rms, worst = _homography(board, corners)
    limit = max(2.0, 0.06 * board.marker_side_px())
    if worst > limit and len(corners) >= 4:
        # one misread or moved marker: the other three may still agree
        fits = [(_homography(board, [c for c in corners if c != drop]), drop) for drop in corners]
        (h, rms, worst), drop = min(fits, key=lambda f: f[0][1])
        if worst <= limit:
            del board.markers[drop]
    if h is None or worst > limit or not _plausible(board, h):
        board.problem = f"the markers do not agree (reprojection error {worst:.1f} px)"
        board.rms_px = rms
        return
    board.h, board.h_inv, board.rms_px = h, np.linalg.inv(h), rms
    board.samples = _perturbed(
        board, corners if len(board.markers) == len(corners) else sorted(board.markers), rms
    )


def _homography(board: Board, corners: list[int]):
    mm, px = _points(board, corners)
    h, _ = cv2.findHomography(mm, px, 0)
    if h is None:
        return None, float("inf"), float("inf")
    err = np.linalg.norm(cv2.perspectiveTransform(mm[:, None], h)[:, 0] - px, axis=1)
    return h, float(np.sqrt(np.mean(err**2))), float(err.max())


def _plausible(board: Board, h: np.ndarray) -> bool:
    """The board outline must be a convex quadrilateral seen from the front (markers upright)."""
    g = board.geometry
    quad = cv2.perspectiveTransform(
        np.array(
            [[[0, 0]], [[g.width_mm, 0]], [[g.width_mm, g.height_mm]], [[0, g.height_mm]]],
            np.float64,
        ),
        h,
    )[:, 0]
    cross = [
        _cross(quad[(i + 1) % 4] - quad[i], quad[(i + 2) % 4] - quad[(i + 1) % 4]) for i in range(4)
    ]
    return all(c > 0 for c in cross)


def _cross(a: np.ndarray, b: np.ndarray) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


def _perturbed(board: Board, corners: list[int], rms: float) -> list[np.ndarray]:
    """Inverse homographies refitted from corners jittered by the observed error.

    A tile is placed only when all of them agree on its zone, so a board seen
    with two markers still places tiles far from zone edges, and never guesses.
    """
    rng = np.random.default_rng(board.stage)
    mm, px = _points(board, corners)
    sigma = max(0.5, 1.5 * rms)
    out = []
    for _ in range(SAMPLES):
        hs, _ = cv2.findHomography(mm, px + rng.normal(0, sigma, px.shape), 0)
        if hs is not None:
            out.append(np.linalg.inv(hs))
    return out


def _look_again(gray: np.ndarray, board: Board, marker_base: int) -> bool:
    """Search at full resolution where each missing marker should be; True if one is found."""
    found = False
    side = board.marker_side_px()
    for corner in set(range(4)) - set(board.markers):
        pred = board.to_photo(np.array(board.geometry.marker_corners_mm(corner)))
        x0, y0 = np.floor(pred.min(axis=0) - side).astype(int)
        x1, y1 = np.ceil(pred.max(axis=0) + side).astype(int)
        x0, y0 = max(x0, 0), max(y0, 0)
        x1, y1 = min(x1, gray.shape[1]), min(y1, gray.shape[0])
        if x1 - x0 < 16 or y1 - y0 < 16:
            continue
        crop = gray[y0:y1, x0:x1]
        scale = min(2.0, max(1.0, 80.0 / max(side, 1)))
        ids, corners = detect(
            crop
            if scale == 1
            else cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC),
            1.0,
        )
        for mid, c in zip(ids, corners, strict=True):
            if mid == _id(board, corner, marker_base):
                board.markers[corner] = c / scale + np.array([x0, y0], np.float32)
                found = True
    return found
