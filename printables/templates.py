"""Paper sizes and label-sheet templates, with their exact published dimensions (mm).

A template is a grid of labels: ``cols`` x ``rows`` labels of ``label_w`` x
``label_h``, ``pitch_x``/``pitch_y`` apart (label corner to the next label's
corner), the first label's top-left corner ``left``/``top`` from the paper's
top-left corner. Slots are numbered from 1, left to right, then down, the way
the sheets themselves are counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from tilegen.units import MM_PER_INCH

TOLERANCE_MM = 0.01


@dataclass(frozen=True)
class Paper:
    name: str
    width: float
    height: float


PAPERS: dict[str, Paper] = {
    "A4": Paper("A4", 210.0, 297.0),
    "Letter": Paper("Letter", 215.9, 279.4),
}


def get_paper(name: str) -> Paper:
    for key, paper in PAPERS.items():
        if key.lower() == str(name).strip().lower():
            return paper
    raise ValueError(f"unknown paper {name!r}; choose from {', '.join(PAPERS)}")


@dataclass(frozen=True)
class Template:
    name: str
    description: str
    paper: str
    cols: int
    rows: int
    label_w: float
    label_h: float
    pitch_x: float
    pitch_y: float
    left: float
    top: float
    #: Plain sheets (magnetic sheet, paper) get cut marks; die-cut label sheets do not.
    cut_marks: bool = False

    @property
    def slots(self) -> int:
        return self.cols * self.rows

    def slot_origin(self, slot: int) -> tuple[float, float]:
        """Top-left corner (mm from the paper's top-left) of label ``slot`` (1-based)."""
        if not 1 <= slot <= self.slots:
            raise ValueError(f"{self.name} has labels 1-{self.slots}, not {slot}")
        row, col = divmod(slot - 1, self.cols)
        return self.left + col * self.pitch_x, self.top + row * self.pitch_y

    def fits(self, width: float, height: float) -> bool:
        return width <= self.label_w + TOLERANCE_MM and height <= self.label_h + TOLERANCE_MM

    def check(self) -> None:
        """The grid lies on the paper and labels do not overlap."""
        paper = get_paper(self.paper)
        right = self.left + (self.cols - 1) * self.pitch_x + self.label_w
        bottom = self.top + (self.rows - 1) * self.pitch_y + self.label_h
        if right > paper.width + TOLERANCE_MM or bottom > paper.height + TOLERANCE_MM:
            raise ValueError(f"template {self.name} runs off its {paper.name} paper")
        if self.pitch_x < self.label_w - TOLERANCE_MM or self.pitch_y < self.label_h - TOLERANCE_MM:
            raise ValueError(f"template {self.name} has overlapping labels")


def _template(name, description, paper, grid, label, pitch, corner, cut_marks=False) -> Template:
    """One template from its published figures: (cols, rows), label (w, h), pitch (x, y),
    first label's corner (left, top)."""
    template = Template(name, description, paper, *grid, *label, *pitch, *corner, cut_marks)
    template.check()
    return template


_IN = MM_PER_INCH  # US templates are published in inches

TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        _template(
            "L7160",
            "Avery L7160, 21 labels 63.5 x 38.1 mm",
            "A4",
            (3, 7),
            (63.5, 38.1),
            (66.04, 38.1),
            (7.2, 15.15),
        ),
        _template(
            "L7163",
            "Avery L7163, 14 labels 99.06 x 38.1 mm (one tile each)",
            "A4",
            (2, 7),
            (99.06, 38.1),
            (101.6, 38.1),
            (4.67, 15.15),
        ),
        _template(
            "L7651",
            "Avery L7651, 65 labels 38.1 x 21.17 mm (one date sticker each)",
            "A4",
            (5, 13),
            (38.1, 21.17),
            (40.64, 21.17),
            (4.67, 10.9),
        ),
        _template(
            "MAGNET-A4",
            "plain A4 printable magnetic sheet, 14 tiles, with cut marks",
            "A4",
            (2, 7),
            (99.06, 38.1),
            (99.06, 38.1),
            (5.94, 15.15),
            cut_marks=True,
        ),
        _template(
            "STICKER-A4",
            "plain A4 sticker paper, 60 date stickers, with cut marks",
            "A4",
            (5, 12),
            (38.1, 21.17),
            (38.1, 21.17),
            (9.75, 21.48),
            cut_marks=True,
        ),
        _template(
            "5163",
            "Avery 5163 (US Letter), 10 labels 4 x 2 in (one tile each)",
            "Letter",
            (2, 5),
            (4 * _IN, 2 * _IN),
            (4.1875 * _IN, 2 * _IN),
            (0.15625 * _IN, 0.5 * _IN),
        ),
        _template(
            "5160",
            "Avery 5160 (US Letter), 30 labels 2.625 x 1 in (date stickers)",
            "Letter",
            (3, 10),
            (2.625 * _IN, 1 * _IN),
            (2.75 * _IN, 1 * _IN),
            (0.1875 * _IN, 0.5 * _IN),
        ),
        _template(
            "MAGNET-LETTER",
            "plain US Letter magnetic sheet, 12 tiles, with cut marks",
            "Letter",
            (2, 6),
            (99.06, 38.1),
            (99.06, 38.1),
            (8.89, 25.4),
            cut_marks=True,
        ),
    )
}

#: What to use when none is named, by paper.
DEFAULT_TILE_TEMPLATE = {"A4": "L7163", "Letter": "5163"}
DEFAULT_STICKER_TEMPLATE = {"A4": "L7651", "Letter": "5160"}


def get_template(name: str) -> Template:
    """A template by name (any case), or ValueError listing the known ones."""
    for key, template in TEMPLATES.items():
        if key.lower() == str(name).strip().lower():
            return template
    raise ValueError(f"unknown template {name!r}; choose from {', '.join(TEMPLATES)}")


#: What each sheet is, printed in its top margin: (product, what it becomes). A die-cut
#: paper label is stuck on a magnetic tile; a printable magnet is the tile itself.
PRODUCTS: dict[str, tuple[str, str]] = {
    "L7160": ("Avery L7160", "paper labels: date stickers to stick on the magnetic tiles"),
    "L7163": ("Avery L7163", "paper labels: stick each tile onto a blank magnetic tile"),
    "L7651": ("Avery L7651", "paper labels: date stickers to stick on the magnetic tiles"),
    "MAGNET-A4": ("A4 printable magnetic sheet", "a printable magnet: cut the tiles out"),
    "STICKER-A4": ("A4 sticker paper", "paper date stickers for the magnetic tiles: cut them out"),
    "5163": ("Avery 5163", "paper labels: stick each tile onto a blank magnetic tile"),
    "5160": ("Avery 5160", "paper labels: date stickers to stick on the magnetic tiles"),
    "MAGNET-LETTER": (
        "US Letter printable magnetic sheet",
        "a printable magnet: cut the tiles out",
    ),
}

FEED_LABELS = (
    "Feed one sheet at a time by the manual (bypass) tray, labels on the side your printer "
    "prints (see the tray's paper mark), this edge first. Print at 100%."
)
FEED_MAGNET = (
    "Feed one sheet at a time by the manual (bypass) tray, paper side on the side your printer "
    "prints, this edge first; never double-sided. Print at 100%; let the ink dry before cutting."
)


def sheet_note(template: Template) -> tuple[str, str]:
    """Two lines for the top of every sheet: which product to load, and how to feed it."""
    product, becomes = PRODUCTS.get(template.name, (template.name, template.description))
    magnet = template.name.startswith("MAGNET")
    return (
        f"{product} ({template.slots} per sheet), {becomes}",
        FEED_MAGNET if magnet else FEED_LABELS,
    )
