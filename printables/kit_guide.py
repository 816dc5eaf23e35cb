"""The board kit's fitting guide: one landscape page per distinct board geometry.

The board is drawn to scale with every piece where it goes (markers as grey squares,
so a photo of the guide can never be mistaken for a board), its dimensions, and the
steps to fit it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tilegen.fonts import fit_size, wrap
from tilegen.layout import BLACK, Layout, Line, Rect, Text
from tilegen.standard import CORNERS, BoardGeometry
from tilegen.tile import TILE_HEIGHT_MM, TILE_WIDTH_MM

from .kit_pages import PAGE_MARGIN_MM, TITLE_MM, page_title
from .kit_pieces import AMBER, HEADER_SIZE_MM, RED, ZONE_LABEL_SIZE_MM, ZONE_WORDS
from .templates import Paper

#: Scales offered for the fitting guide, largest first (1:n).
GUIDE_SCALES = (4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50)
PALE = {"amber": "#fde9b0", "red": "#f3c1c1"}
TEXT_WIDTH_MM = 92.0  # the column of steps to the right of the drawing


@dataclass(frozen=True)
class ToScale:
    """Board mm to page mm: the board's top-left corner at (ox, oy), ``s`` page mm per mm."""

    ox: float
    oy: float
    s: float

    def x(self, board_x: float) -> float:
        return self.ox + board_x * self.s

    def y(self, board_y: float) -> float:
        return self.oy + board_y * self.s

    def rect(self, x: float, y: float, w: float, h: float, **kw) -> Rect:
        return Rect(self.x(x), self.y(y), w * self.s, h * self.s, **kw)


def _scale(paper_w: float, paper_h: float, geometry: BoardGeometry) -> int:
    for n in GUIDE_SCALES:
        if geometry.width_mm / n <= paper_w and geometry.height_mm / n <= paper_h:
            return n
    raise ValueError(f"a {geometry.width_mm:g} mm board is too big for the fitting guide")


def fitting_guide(
    paper: Paper, geometry: BoardGeometry, stages: Sequence[int], amber_days: int
) -> Layout:
    """One landscape page: the board drawn to scale with every piece where it goes."""
    pw, ph = paper.height, paper.width  # landscape
    area_w = pw - 2 * PAGE_MARGIN_MM - TEXT_WIDTH_MM - 14.0
    area_h = ph - 2 * PAGE_MARGIN_MM - TITLE_MM - 14.0
    n = _scale(area_w, area_h, geometry)
    d = ToScale(PAGE_MARGIN_MM + 4.0, PAGE_MARGIN_MM + TITLE_MM + 4.0, 1.0 / n)
    bw, bh = geometry.width_mm, geometry.height_mm
    which = "every board" if len(stages) == 6 else "boards " + ", ".join(map(str, stages))
    items = page_title(
        Paper("landscape", pw, ph),
        f"Fitting guide: {which}, {bw:g} x {bh:g} mm",
        f"Drawn to scale 1:{n} from the board standard. Measurements are to the outer "
        "corners of the markers' black squares.",
    )
    items.append(d.rect(0, 0, bw, bh, fill="#ffffff", stroke=BLACK, stroke_mm=0.5))
    for zone in geometry.zones:
        items += _zone(d, zone, bw, bh)
    items += _header(d, bw)
    items += _markers(d, geometry)
    items += _tiles(d, bw, bh)
    items += _dimensions(d, bw, bh)
    items += _steps(pw - PAGE_MARGIN_MM - TEXT_WIDTH_MM, d.oy, TEXT_WIDTH_MM, geometry, amber_days)
    return Layout(pw, ph, tuple(items), meta={"scale": n, "stages": tuple(stages)})


def _zone(d: ToScale, zone, bw: float, bh: float) -> list:
    """A zone, pale and dashed, with its label where it goes and its extent in mm."""
    zx, zy, zw, zh = (
        zone.x0 * bw,
        zone.y0 * bh,
        (zone.x1 - zone.x0) * bw,
        (zone.y1 - zone.y0) * bh,
    )
    items: list = [
        d.rect(
            zx,
            zy,
            zw,
            zh,
            fill=PALE.get(zone.name, "#eeeeee"),
            stroke="#777777",
            stroke_mm=0.3,
            dash_mm=(1.5, 1.0),
        )
    ]
    lw, lh = ZONE_LABEL_SIZE_MM
    lx, ly = zx + max(10.0, (zw - lw) / 2), zy + 10.0
    items.append(d.rect(lx, ly, min(lw, zw - 20), lh, fill=AMBER if zone.name == "amber" else RED))
    word = ZONE_WORDS.get(zone.name, zone.name)
    items.append(
        Text(
            d.x(lx + min(lw, zw - 20) / 2),
            d.y(ly + lh) + 4.0,
            f"{word} label",
            2.6,
            "bold",
            anchor="middle",
        )
    )
    span = f"{zone.name}: {zx:g}-{zx + zw:g} mm across, {zy:g}-{zy + zh:g} mm down"
    items.append(
        Text(
            d.x(zx + zw / 2),
            d.y(ly + lh) + 8.0,
            span,
            fit_size(span, zw * d.s - 4, 2.2),
            anchor="middle",
            fill="#333333",
        )
    )
    return items


def _header(d: ToScale, bw: float) -> list:
    """The stage header, top centre."""
    hw, hh = HEADER_SIZE_MM
    hx, hy = (bw - hw) / 2, 15.0
    return [
        d.rect(hx, hy, hw, hh, fill="#ffffff", stroke=BLACK, stroke_mm=0.3),
        Text(d.x(bw / 2), d.y(hy + hh / 2) + 1.0, "stage header", 2.6, "bold", anchor="middle"),
    ]


def _markers(d: ToScale, geometry: BoardGeometry) -> list:
    """Markers as grey squares (a drawn-to-scale marker would confuse a scanner)."""
    items: list = []
    for corner in range(4):
        (x0, y0), _, (x1, y1), _ = geometry.marker_corners_mm(corner)
        items.append(d.rect(x0, y0, x1 - x0, y1 - y0, fill="#777777"))
        tx = d.x((x1 + 8) if corner in (0, 3) else (x0 - 8))
        ty = d.y((y1 + y0) / 2) + 1.0 if corner in (0, 1) else d.y(y0) - 1.5
        label = f"marker {CORNERS[corner]}"
        items.append(Text(tx, ty, label, 2.4, anchor="start" if corner in (0, 3) else "end"))
    return items


def _tiles(d: ToScale, bw: float, bh: float) -> list:
    """The main area's name, and two tiles to scale, to give a sense of size."""
    items: list = [
        Text(d.x(bw / 2), d.y(bh * 0.45), "main: on track", 3.0, anchor="middle", fill="#555555")
    ]
    for tx, ty in ((bw * 0.2, bh * 0.3), (bw * 0.6, bh * 0.3)):
        items.append(
            d.rect(
                tx,
                ty,
                TILE_WIDTH_MM,
                TILE_HEIGHT_MM,
                fill="#dddddd",
                stroke="#555555",
                stroke_mm=0.2,
            )
        )
    items.append(
        Text(
            d.x(bw * 0.2),
            d.y(bh * 0.3 + TILE_HEIGHT_MM) + 3.0,
            "tiles, to scale",
            2.2,
            fill="#555555",
        )
    )
    return items


def _dimensions(d: ToScale, bw: float, bh: float) -> list:
    """The board's width under it and its height to its right."""
    ox, oy, s = d.ox, d.oy, d.s
    by = oy + bh * s + 5.0
    bx = ox + bw * s + 4.0
    return [
        Line(ox, by, ox + bw * s, by, BLACK, 0.25),
        Text(ox + bw * s / 2, by + 4.0, f"{bw:g} mm", 3.2, "bold", anchor="middle"),
        Line(bx, oy, bx, oy + bh * s, BLACK, 0.25),
        Text(bx + 1.5, oy + bh * s / 2, f"{bh:g} mm", 3.2, "bold"),
    ]


def _steps(x: float, y: float, width: float, geometry: BoardGeometry, amber_days: int) -> list:
    """How to fit a board, as numbered steps in a column ``width`` mm wide."""
    items: list = [Text(x, y + 4.0, "How to fit a board", 4.6, "bold")]
    cy = y + 11.0
    for number, step in enumerate(_step_texts(geometry, amber_days), 1):
        items.append(Text(x, cy, f"{number}.", 3.0, "bold"))
        for line in wrap(step, width - 7.0, 3.0):
            items.append(Text(x + 6.0, cy, line, 3.0))
            cy += 4.1
        cy += 2.2
    return items


def _step_texts(geometry: BoardGeometry, amber_days: int) -> list[str]:
    bw, bh = geometry.width_mm, geometry.height_mm
    diagonal = (bw**2 + bh**2) ** 0.5
    zones = "; ".join(
        f"{ZONE_WORDS.get(z.name, z.name)} ({z.name}) from {z.y0 * bh:g} mm down, "
        f"{z.x0 * bw:g}-{z.x1 * bw:g} mm across"
        for z in geometry.zones
    )
    return [
        f"Mark out the board area, {bw:g} x {bh:g} mm. Check both diagonals are {diagonal:.0f} mm.",
        "Stick the four corner markers upright, the outer corner of each black square exactly on "
        "a corner of the area. Keep their white borders; never cover or bend a marker.",
        "Stick the stage header at the top, between the top markers.",
        f"Draw the zone lines: {zones}. Stick each zone label at the top of its zone.",
        f"Tiles due for review within {amber_days} days go in the amber zone; overdue tiles go "
        "in the red zone; everything else in the main area. A tile's zone is where its QR "
        "code's centre is.",
        "Photograph each board square on after the meeting, with all four markers in view.",
    ]
