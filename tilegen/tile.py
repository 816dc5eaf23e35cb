"""The tile and the date sticker, described once as layouts in millimetres.

The tile is an Avery L7163 label (99.06 x 38.1 mm), stuck on magnetic sheet:

    +-----------+-----------------------------------------+
    |  quiet    |  TWr                    (board code)    |
    |  ######   |                 +-------------------+   |
    |  # QR #   |  Team name      |   date sticker    |   |
    |  ######   |  ABCDE12345     |   (L7651 label)   |   |
    |           |                 +-------------------+   |
    +-----------+-----------------------------------------+

The QR symbol is always 32 mm square with its centre at (19.05, 19.05) mm
from the tile's top-left, whatever its version; see docs/printing.md for why.
"""

from __future__ import annotations

from datetime import date

from .domain import AMBER, CLOSED, GREEN, RED
from .fonts import fit_size, text_width, wrap
from .layout import BLACK, WHITE, Layout, Matrix, Rect, Text, hatch, outline
from .payload import TOKEN_LENGTH, tile_url
from .qr import qr_symbol

TILE_WIDTH_MM = 99.06
TILE_HEIGHT_MM = 38.1
#: The QR symbol (dark modules' bounding square, no quiet zone).
QR_SIZE_MM = 32.0
QR_X_MM = (TILE_HEIGHT_MM - QR_SIZE_MM) / 2
QR_Y_MM = (TILE_HEIGHT_MM - QR_SIZE_MM) / 2
QR_CENTRE_MM = (QR_X_MM + QR_SIZE_MM / 2, QR_Y_MM + QR_SIZE_MM / 2)
#: Below this module size a tile may not read from a whole-board photo.
MIN_MODULE_MM = 1.0

#: The date sticker is an Avery L7651 label.
STICKER_WIDTH_MM = 38.1
STICKER_HEIGHT_MM = 21.17
#: The box on the tile the sticker goes in: the sticker plus 1 mm all round.
STICKER_BOX_MM = (
    TILE_WIDTH_MM - 1.0 - (STICKER_WIDTH_MM + 2.0),
    TILE_HEIGHT_MM - 1.0 - (STICKER_HEIGHT_MM + 2.0),
    STICKER_WIDTH_MM + 2.0,
    STICKER_HEIGHT_MM + 2.0,
)

GREY = "#9e9e9e"
STATUS_COLOURS = {RED: "#c62828", AMBER: "#f9a825", GREEN: WHITE}
STATUS_WORDS = {RED: "OVERDUE", AMBER: "DUE SOON", GREEN: "NEXT REVIEW"}
_TEXT_X = TILE_HEIGHT_MM + 1.5


def qr_module_mm(base_url: str) -> float:
    """The QR module size on every tile of a deployment: tokens all have one length,
    so only the base URL decides the QR version."""
    return tile_layout("0" * TOKEN_LENGTH, "", base_url).meta["module_mm"]


def qr_box_mm() -> tuple[float, float, float, float]:
    """(x, y, width, height) of the QR symbol in tile millimetres."""
    return (QR_X_MM, QR_Y_MM, QR_SIZE_MM, QR_SIZE_MM)


def tile_layout(token: str, board_code: str, base_url: str, team_name: str = "") -> Layout:
    """A family's tile: QR of ``<base-url>/t/<token>``, board code, team name, sticker box."""
    url = tile_url(base_url, token)
    symbol = qr_symbol(url)
    module = QR_SIZE_MM / symbol.modules
    items: list = [Matrix(QR_X_MM, QR_Y_MM, module, symbol.rows)]

    # Board codes: large, top of the text area, above the sticker box.
    sx, sy, sw, sh = STICKER_BOX_MM
    for line, size, baseline in code_lines(board_code):
        items.append(Text(_TEXT_X, baseline, line, size, CODE_FONT))

    # Team name (wrapped) and the token for typing in, left of the sticker box.
    column = sx - 1.0 - _TEXT_X
    y = sy + 2.6
    for line in wrap(team_name, column, 2.4)[:5]:
        items.append(Text(_TEXT_X, y, line, 2.4))
        y += 3.0
    items.append(Text(_TEXT_X, TILE_HEIGHT_MM - 1.6, token, fit_size(token, column, 2.3)))

    # Where the date sticker goes.
    items.append(outline(sx, sy, sw, sh, stroke=GREY, stroke_mm=0.3, dash_mm=(1.2, 0.8)))
    items.append(
        Text(sx + sw / 2, sy + sh / 2 + 0.8, "date sticker", 2.4, anchor="middle", fill=GREY)
    )
    return Layout(
        TILE_WIDTH_MM,
        TILE_HEIGHT_MM,
        tuple(items),
        meta={
            "url": url,
            "qr_version": symbol.version,
            "module_mm": module,
            "qr_box_mm": qr_box_mm(),
        },
    )


#: Board codes are drawn in a face that tells capital I from small l (tilegen.fonts).
CODE_FONT = "code"

#: Em size and baseline of the board codes: one line for one to three codes, two lines
#: (three codes at most each) for four to six, all above the sticker box.
_ONE_LINE = (12.0, 10.3)
_TWO_LINES = (6.2, (5.75, 12.1))


def code_lines(board_code: str) -> list[tuple[str, float, float]]:
    """(text, em size in mm, baseline y in mm) for each line of a tile's board codes.

    A family group's tile carries one to six children's codes (docs/contract.md §6);
    they share one size, the largest at which every line fits the text area, so a
    three-child tile still reads across the room. The QR code is never shrunk for them.
    """
    codes = board_code.split()
    width = TILE_WIDTH_MM - 1.0 - _TEXT_X
    if len(codes) <= 3:
        text = " ".join(codes)
        return [(text, fit_size(text, width, _ONE_LINE[0], CODE_FONT), _ONE_LINE[1])]
    half = (len(codes) + 1) // 2
    lines = [" ".join(codes[:half]), " ".join(codes[half:])]
    size = min(fit_size(line, width, _TWO_LINES[0], CODE_FONT) for line in lines)
    return [(line, size, y) for line, y in zip(lines, _TWO_LINES[1], strict=True)]


def format_review_date(day: date) -> str:
    """``12 Mar 2026``: unambiguous on both sides of the Atlantic."""
    return f"{day.day} {day:%b %Y}"


def sticker_layout(
    board_code: str, next_review: date, status: str, printed_on: date | None = None
) -> Layout:
    """The date sticker: review date large, status in colour *and* words and a pattern."""
    if status == CLOSED or status not in STATUS_WORDS:
        raise ValueError(f"no sticker for a {status} case")
    w, h, m = STICKER_WIDTH_MM, STICKER_HEIGHT_MM, 0.9
    colour = STATUS_COLOURS[status]
    band = (m, m, w - 2 * m, 6.2)
    items: list = [Rect(*band, fill=colour, stroke=BLACK, stroke_mm=0.3)]
    # A pattern at both ends of the band, so black-and-white prints still differ.
    if status in (RED, AMBER):
        ink = WHITE if status == RED else BLACK
        for x in (band[0], band[0] + band[2] - 5.0):
            items += hatch(x, band[1], 5.0, band[3], 1.1, ink, 0.3, cross=status == RED)
    word = STATUS_WORDS[status]
    word_size = fit_size(word, band[2] - 12.0, 4.2, "bold")
    items.append(
        Text(
            w / 2,
            band[1] + band[3] / 2 + word_size * 0.36,
            word,
            word_size,
            "bold",
            anchor="middle",
            fill=WHITE if status == RED else BLACK,
        )
    )
    text = format_review_date(next_review)
    size = fit_size(text, w - 2 * m - 1.0, 7.0, "bold")
    items.append(Text(w / 2, 14.6, text, size, "bold", anchor="middle"))
    note = f"printed {printed_on.day} {printed_on:%b}" if printed_on is not None else ""
    # Every code of the family group, as large as fits beside the printed-on note.
    room = w - 2 * m - 0.8 - (text_width(note, 2.0) + 1.0 if note else 0.0)
    items.append(
        Text(m + 0.4, h - 1.5, board_code, fit_size(board_code, room, 3.4, CODE_FONT), CODE_FONT)
    )
    if note:
        items.append(Text(w - m - 0.4, h - 1.5, note, 2.0, anchor="end", fill="#555555"))
    if status == RED:
        items.append(outline(0.35, 0.35, w - 0.7, h - 0.7, stroke_mm=0.7))
    return Layout(
        w,
        h,
        tuple(items),
        meta={
            "status": status,
            "date": next_review.isoformat(),
            "text_width": text_width(text, size, "bold"),
        },
    )
