"""Board codes are printed and shown in a face where capital I and small l differ
("AIl" must not read "All"): one font, named in tilegen.fonts, on tiles, stickers and
the screen."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from tilegen.fonts import font_path, pil_font
from tilegen.tile import CODE_FONT, sticker_layout, tile_layout


def glyph(letter: str, font: str) -> np.ndarray:
    """The letter drawn at 200 px, cropped to its ink, as a boolean array."""
    img = Image.new("L", (300, 300), 255)
    ImageDraw.Draw(img).text((50, 20), letter, font=pil_font(font, 200), fill=0)
    ink = np.array(img) < 128
    rows, cols = np.nonzero(ink)
    return ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


def differs(a: np.ndarray, b: np.ndarray) -> float:
    """Share of pixels that differ once both are scaled to one box."""
    h, w = max(a.shape[0], b.shape[0]), max(a.shape[1], b.shape[1])

    def scaled(x):
        return np.array(Image.fromarray(x.astype(np.uint8) * 255).resize((w, h))) > 127

    return float(np.mean(scaled(a) != scaled(b)))


def test_capital_i_and_small_l_differ_in_the_code_face():
    code = differs(glyph("I", CODE_FONT), glyph("l", CODE_FONT))
    plain = differs(glyph("I", "bold"), glyph("l", "bold"))
    assert code > 0.2, code  # bars against a tail
    assert code > 3 * plain, (code, plain)  # where the old face drew two plain bars


def test_tiles_and_stickers_draw_codes_in_it(base_url):
    tile = tile_layout("K7M2Q9XH3A", "AIl", base_url)
    assert [t.font for t in tile.items if getattr(t, "text", None) == "AIl"] == [CODE_FONT]
    sticker = sticker_layout("AIl", __import__("datetime").date(2027, 1, 5), "amber")
    assert [t.font for t in sticker.items if getattr(t, "text", None) == "AIl"] == [CODE_FONT]


def test_the_web_app_serves_the_same_file(client):
    response = client.get("/fonts/board-code.ttf")
    assert response.status_code == 200 and response.mimetype == "font/ttf"
    with open(font_path(CODE_FONT), "rb") as fh:
        assert response.data == fh.read()
    css = client.get("/static/caseboard.css").get_data(as_text=True)
    assert 'url("/fonts/board-code.ttf")' in css
