"""The physical standard of the wall: stages, corner markers, board geometry and zones.

This module is the single definition of docs/contract.md §1. The board kit printer
and the scanner both import it, so a printed kit keeps scanning after any
upgrade. Change nothing here without keeping old kits readable.

Coordinates on a board are millimetres from the board area's top-left
corner, which is the outer (top-left) corner of the top-left marker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STAGES: dict[int, str] = {
    1: "Assessment",
    2: "Agreeing a plan and outcomes",
    3: "Building the desire to change",
    4: "Making change",
    5: "Sustaining the change",
    6: "Closing / transferring",
}

#: Name of the marker family in ``cv2.aruco`` (use ``getattr(cv2.aruco, MARKER_DICTIONARY)``).
MARKER_DICTIONARY = "DICT_APRILTAG_36h11"
#: How many distinct ids the family has; a base must leave room for 24 ids.
MARKER_FAMILY_SIZE = 587
CORNERS = ("top-left", "top-right", "bottom-right", "bottom-left")
MARKERS_PER_BOARD = 4
MARKERS_PER_TEAM = MARKERS_PER_BOARD * len(STAGES)

DEFAULT_BOARD_WIDTH_MM = 1200.0
DEFAULT_BOARD_HEIGHT_MM = 900.0
DEFAULT_MARKER_MM = 60.0
MIN_MARKER_MARGIN_MM = 10.0

#: The sections of a board, in board order; used by webapp (scan JSON checks, the boards page).
ZONE_NAMES = ("main", "amber", "red")


def marker_id(stage: int, corner: int, base: int = 0) -> int:
    """The AprilTag id printed at ``corner`` (0=TL, 1=TR, 2=BR, 3=BL) of ``stage``'s board."""
    if stage not in STAGES:
        raise ValueError(f"stage must be 1-6, not {stage}")
    if corner not in range(MARKERS_PER_BOARD):
        raise ValueError(f"corner must be 0-3, not {corner}")
    return base + MARKERS_PER_BOARD * (stage - 1) + corner


def marker_role(marker: int, base: int = 0) -> tuple[int, int] | None:
    """Inverse of :func:`marker_id`: ``(stage, corner)``, or None for a foreign marker."""
    offset = marker - base
    if not 0 <= offset < MARKERS_PER_TEAM:
        return None
    return offset // MARKERS_PER_BOARD + 1, offset % MARKERS_PER_BOARD


def check_marker_base(base: int) -> int:
    """Validate a team's marker base: all 24 ids must exist in the family."""
    if not 0 <= base <= MARKER_FAMILY_SIZE - MARKERS_PER_TEAM:
        raise ValueError(
            f"marker base must be between 0 and {MARKER_FAMILY_SIZE - MARKERS_PER_TEAM}, not {base}"
        )
    return base


@dataclass(frozen=True)
class Zone:
    """A rectangle of the board area in fractions (x: 0 left..1 right, y: 0 top..1 bottom)."""

    name: str
    x0: float
    y0: float
    x1: float
    y1: float

    def contains(self, fx: float, fy: float) -> bool:
        # Half-open on the low edges, closed at 1 so the board's own edge counts.
        return (
            self.x0 <= fx
            and self.y0 <= fy
            and (fx < self.x1 or self.x1 >= 1)
            and (fy < self.y1 or self.y1 >= 1)
        )

    def as_dict(self) -> dict:
        return {"name": self.name, "x0": self.x0, "y0": self.y0, "x1": self.x1, "y1": self.y1}


#: The default zones; ``main`` is everything not in a listed zone.
DEFAULT_ZONES: tuple[Zone, ...] = (
    Zone("red", 0.5, 0.75, 1.0, 1.0),
    Zone("amber", 0.0, 0.75, 0.5, 1.0),
)


def zones_from_dicts(items: list[dict]) -> tuple[Zone, ...]:
    """Build zones from stored settings, checking names and ranges."""
    zones = []
    for item in items:
        zone = Zone(item["name"], *(float(item[k]) for k in ("x0", "y0", "x1", "y1")))
        if zone.name not in ("amber", "red"):
            raise ValueError(f"zone name must be amber or red, not {zone.name!r}")
        if not (0 <= zone.x0 < zone.x1 <= 1 and 0 <= zone.y0 < zone.y1 <= 1):
            raise ValueError(f"zone {zone.name} must lie within 0..1 with x0<x1 and y0<y1")
        zones.append(zone)
    return tuple(zones)


@dataclass(frozen=True)
class BoardGeometry:
    """One stage board: its size between the markers' outer corners, marker size and zones."""

    stage: int
    width_mm: float = DEFAULT_BOARD_WIDTH_MM
    height_mm: float = DEFAULT_BOARD_HEIGHT_MM
    marker_mm: float = DEFAULT_MARKER_MM
    zones: tuple[Zone, ...] = field(default=DEFAULT_ZONES)

    def marker_corners_mm(self, corner: int) -> list[tuple[float, float]]:
        """Board-mm positions of one marker's four corners, in OpenCV's order (TL, TR, BR, BL).

        Markers are printed upright, so the marker's own TL corner is its
        top-left on the board, and the board corner is the marker's outer corner.
        """
        s, w, h = self.marker_mm, self.width_mm, self.height_mm
        x0, y0 = {0: (0.0, 0.0), 1: (w - s, 0.0), 2: (w - s, h - s), 3: (0.0, h - s)}[corner]
        return [(x0, y0), (x0 + s, y0), (x0 + s, y0 + s), (x0, y0 + s)]

    def zone_at(self, x_mm: float, y_mm: float) -> str | None:
        """The zone holding a board point, or None when the point is off the board."""
        fx, fy = x_mm / self.width_mm, y_mm / self.height_mm
        if not (0 <= fx <= 1 and 0 <= fy <= 1):
            return None
        for zone in self.zones:
            if zone.contains(fx, fy):
                return zone.name
        return "main"


def default_geometries() -> dict[int, BoardGeometry]:
    """The six boards at the default size and zones."""
    return {stage: BoardGeometry(stage) for stage in STAGES}
