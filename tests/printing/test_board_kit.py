"""The board kit: all 24 corner markers, detected by OpenCV itself, each 60 mm across."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from printables.board_kit import board_kit_pages, boards_for, marker_piece
from tests.helpers.printed_pages import page_sizes, render
from tilegen.standard import BoardGeometry, marker_role
from tilegen.units import px_to_mm

DPI = 150


def detect(image):
    detector = cv2.aruco.ArucoDetector(
        cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_APRILTAG_36h11),
        cv2.aruco.DetectorParameters(),
    )
    corners, ids, _ = detector.detectMarkers(np.asarray(image))
    return [] if ids is None else list(zip(ids.ravel().tolist(), corners, strict=True))


def test_kit_shows_markers_0_to_23_each_60_mm(runner, tmp_path):
    out = tmp_path / "kit.pdf"
    result = runner("print", "board-kit", "--out", str(out))
    assert result.exit_code == 0, result.output
    sizes = page_sizes(out)
    assert {(round(w, 2), round(h, 2)) for w, h in sizes} <= {(595.28, 841.89), (841.89, 595.28)}
    seen: dict[int, int] = {}
    for page in range(len(sizes)):
        for marker, quad in detect(render(out, page, dpi=DPI)):
            assert marker not in seen, f"marker {marker} printed twice"
            seen[marker] = page
            sides = [np.linalg.norm(quad[0][i] - quad[0][(i + 1) % 4]) for i in range(4)]
            assert px_to_mm(float(np.mean(sides)), DPI) == pytest.approx(60.0, abs=0.6)
            # Upright: OpenCV's first corner is the marker's top-left, top-left on the page.
            tl = quad[0][0]
            assert tl[0] == min(quad[0][:, 0]) and tl[1] == min(quad[0][:, 1])
    assert sorted(seen) == list(range(24))
    # Each board's four markers are on one page of their own.
    for stage in range(1, 7):
        assert len({seen[m] for m in seen if marker_role(m)[0] == stage}) == 1


def test_kit_follows_the_team_marker_base_names_and_board_size():
    boards = boards_for({2: "Plan"}, {1: BoardGeometry(1, 1500, 1000, marker_mm=80)})
    assert boards[1].name == "Plan" and boards[0].name == "Assessment"
    piece = marker_piece(boards[0], 2, base=100)
    assert piece.meta["marker_id"] == 102
    assert piece.width == pytest.approx(80 + 2 * 12)  # >= 10 mm white margin each side
    pages = board_kit_pages(team_name="T", geometries={1: BoardGeometry(1, 1500, 1000)})
    guides = [p for p in pages if "scale" in p.meta]
    assert [g.meta["stages"] for g in guides] == [(1,), (2, 3, 4, 5, 6)]
