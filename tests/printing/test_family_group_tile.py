"""A family group's tile carries every child's code (docs/contract.md §6): it prints,
its QR code stays the same size and decodes, the scanner reads it off a board, and the
printed sheet and sticker show every code."""

from __future__ import annotations

import json

import pypdfium2 as pdfium
import pytest

from printables.templates import get_template
from tests.helpers.printed_pages import BASE_URL, decode_zbar, decode_zxing, render
from tilegen.fonts import text_width
from tilegen.layout import Text
from tilegen.tile import (
    CODE_FONT,
    STICKER_BOX_MM,
    TILE_WIDTH_MM,
    code_lines,
    qr_box_mm,
    tile_layout,
)

THREE = "TWr JWr KWr"
SIX = "TWr JWr KWr ABy DEf GHi"


def page_text(path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def label_box(template, index: int) -> tuple[float, float, float, float]:
    col, row = index % template.cols, index // template.cols
    x = template.left + col * template.pitch_x
    y = template.top + row * template.pitch_y
    return (x, y, x + template.label_w, y + template.label_h)


def test_a_three_and_a_six_child_tile_print_decode_and_show_every_code(runner, tmp_path):
    tokens = []
    for codes in (THREE, SIX):
        args = ("family", "add", "--initials", codes, "--stage", "1", "--review", "2031-01-01")
        tokens.append(runner.json(*args)["token"])
    out = tmp_path / "tiles.pdf"
    result = runner("print", "tiles", *tokens, "--out", str(out))
    assert result.exit_code == 0, result.output
    text = page_text(out)
    assert THREE in text
    assert "TWr JWr KWr" in text and "ABy DEf GHi" in text  # six codes on two lines
    l7163 = get_template("L7163")
    for index, token in enumerate(tokens):
        image = render(out, dpi=600, crop_mm=label_box(l7163, index))
        url = f"{BASE_URL}/t/{token}"
        assert [r.text for r in decode_zxing(image)] == [url]
        assert decode_zbar(image) == [url]


@pytest.mark.parametrize(
    "codes", ["TWr", "TWr JWr", THREE, "TWr JWr KWr ABy", SIX, "WWw MMm WWw WWw MMm WWw"]
)
def test_codes_are_large_inside_the_text_area_and_the_qr_keeps_its_size(codes):
    one = tile_layout("K7M2Q9XH3A", "TWr", BASE_URL)
    layout = tile_layout("K7M2Q9XH3A", codes, BASE_URL)
    assert layout.meta["qr_box_mm"] == one.meta["qr_box_mm"] == qr_box_mm()
    assert layout.meta["module_mm"] == one.meta["module_mm"]
    lines = code_lines(codes)
    assert " ".join(line for line, _, _ in lines) == codes
    drawn = [i for i in layout.items if isinstance(i, Text) and i.font == CODE_FONT]
    assert [t.text for t in drawn] == [line for line, _, _ in lines]
    qr_right = qr_box_mm()[0] + qr_box_mm()[2]
    for t in drawn:
        assert t.size >= (8.0 if len(lines) == 1 else 5.5)  # large type, room-readable
        assert t.x > qr_right
        assert t.x + text_width(t.text, t.size, CODE_FONT) <= TILE_WIDTH_MM - 1.0 + 1e-6
        assert t.y - 0.75 * t.size >= 0.5  # the caps stay on the tile
        assert t.y + 0.25 * t.size <= STICKER_BOX_MM[1] + 0.1  # and above the sticker box


def test_the_sticker_sheet_shows_every_code(runner, tmp_path):
    args = ("family", "add", "--initials", SIX, "--stage", "1", "--review")
    token = runner.json(*args, "2031-01-01")["token"]
    out = tmp_path / "stickers.pdf"
    result = runner("print", "stickers", token, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert SIX in page_text(out)


@pytest.mark.slow
def test_the_scanner_reads_a_three_child_tile_off_a_board(runner, tmp_path):
    from scanner.synth import TileSpec, make_board_photo

    token = runner.json(
        "family", "add", "--initials", THREE, "--stage", "1", "--review", "2031-01-01"
    )["token"]
    photo = tmp_path / "wall.jpg"
    tiles = [TileSpec(token, THREE, 1, 300.0, 300.0)]
    # the whole 1200 mm board in a 3000 px photo at 2.6 px a module, like a phone's
    picture = make_board_photo(tiles, (1,), size=(3000, 2250), px_per_module=2.6, seed=5)
    picture.image.save(photo)
    result = runner("scan", str(photo), "--json")
    assert result.exit_code == 0, result.output
    [tile] = json.loads(result.output)["tiles"]
    assert (tile["token"], tile["stage"], tile["zone"]) == (token, 1, "main")
