"""Tile sheets: exact paper size, published template dimensions, --start, offsets, and
every tile on a printed sheet decodes back to its own URL with two decoders."""

from __future__ import annotations

import pytest

from printables.templates import TEMPLATES, get_template
from tests.helpers.printed_pages import BASE_URL, decode_zbar, decode_zxing, page_sizes, render
from tilegen.tile import QR_CENTRE_MM, TILE_HEIGHT_MM, TILE_WIDTH_MM
from tilegen.units import px_to_mm

#: The issue's published figures: cols, rows, label w x h, pitch x/y, left, top (mm).
PUBLISHED = {
    "L7160": (3, 7, 63.5, 38.1, 66.04, 38.1, 7.2, 15.15),
    "L7163": (2, 7, 99.06, 38.1, 101.6, 38.1, 4.67, 15.15),
    "L7651": (5, 13, 38.1, 21.17, 40.64, 21.17, 4.67, 10.9),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_templates_have_the_published_dimensions(name):
    t = get_template(name.lower())
    got = (t.cols, t.rows, t.label_w, t.label_h, t.pitch_x, t.pitch_y, t.left, t.top)
    assert got == pytest.approx(PUBLISHED[name], abs=1e-9)
    assert t.paper == "A4"


def test_every_template_lies_on_its_paper_and_holds_what_it_is_for():
    assert get_template("MAGNET-A4").cut_marks and get_template("MAGNET-A4").paper == "A4"
    for t in TEMPLATES.values():
        t.check()
    # The tile fits exactly on an L7163 label.
    assert get_template("L7163").fits(TILE_WIDTH_MM, TILE_HEIGHT_MM)
    assert not get_template("L7651").fits(TILE_WIDTH_MM, TILE_HEIGHT_MM)


def tokens_of(runner, n):
    return [
        runner.json(
            "family",
            "add",
            "--initials",
            f"A{chr(98 + i)}c",
            "--stage",
            "1",
            "--review",
            "2031-01-01",
        )["token"]
        for i in range(n)
    ]


def test_sheet_is_exactly_a4_and_letter_is_an_option(runner, tmp_path):
    tokens_of(runner, 1)
    out = tmp_path / "tiles.pdf"
    assert runner("print", "tiles", "--all", "--out", str(out)).exit_code == 0
    ((w, h),) = page_sizes(out)
    assert (round(w, 2), round(h, 2)) == (595.28, 841.89)
    letter = tmp_path / "letter.pdf"
    assert (
        runner("print", "tiles", "--all", "--paper", "Letter", "--out", str(letter)).exit_code == 0
    )
    ((w, h),) = page_sizes(letter)
    assert (round(w, 2), round(h, 2)) == (612.0, 792.0)


def test_sheet_at_600_dpi_decodes_to_every_tile_in_its_label(runner, tmp_path):
    """--start 5 on an L7163: labels 1-4 stay empty; tiles fill 5, 6, 7...; each QR sits
    where the template and the tile layout put it and decodes to its own URL."""
    tokens = tokens_of(runner, 4)
    out = tmp_path / "tiles.pdf"
    result = runner(
        "print", "tiles", *tokens, "--template", "L7163", "--start", "5", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    t = get_template("L7163")
    # Render only the first five rows of the sheet, at 600 dpi.
    top, bottom = t.top, t.top + 5 * t.pitch_y
    image = render(out, dpi=600, crop_mm=(0, top, 210, bottom))
    by_slot = {}
    for slot in range(1, 11):
        x, y = t.slot_origin(slot)
        box = [round((v) * 600 / 25.4) for v in (x, y - top, x + t.label_w, y - top + t.label_h)]
        by_slot[slot] = image.crop(box)
    for slot in range(1, 5):
        assert by_slot[slot].getextrema()[0] > 200, f"label {slot} should be empty"
    for slot, token in zip(range(5, 9), tokens, strict=True):
        url = f"{BASE_URL}/t/{token}"
        found = decode_zxing(by_slot[slot])
        assert [r.text for r in found] == [url]
        assert decode_zbar(by_slot[slot]) == [url]
        # Centre of the QR in label mm: the tile is as big as the label, so it is the
        # tile's own QR centre.
        corners = found[0].position
        cx = sum(p.x for p in (corners.top_left, corners.bottom_right)) / 2
        cy = sum(p.y for p in (corners.top_left, corners.bottom_right)) / 2
        assert px_to_mm(cx, 600) == pytest.approx(QR_CENTRE_MM[0], abs=0.3)
        assert px_to_mm(cy, 600) == pytest.approx(QR_CENTRE_MM[1], abs=0.3)
    for slot in (9, 10):
        assert by_slot[slot].getextrema()[0] > 200


def test_printer_offsets_shift_the_whole_sheet(runner, store, team, tmp_path):
    from webapp.accounts.teams import update_team_settings

    (token,) = tokens_of(runner, 1)
    update_team_settings(store, team, printer={"x_offset_mm": 2.0, "y_offset_mm": -1.5})
    out = tmp_path / "tiles.pdf"
    assert runner("print", "tiles", token, "--out", str(out)).exit_code == 0
    t = get_template("L7163")
    image = render(out, dpi=300, crop_mm=(0, 0, 120, 60))
    (found,) = decode_zxing(image)
    p = found.position
    cx = px_to_mm((p.top_left.x + p.bottom_right.x) / 2, 300)
    cy = px_to_mm((p.top_left.y + p.bottom_right.y) / 2, 300)
    assert cx == pytest.approx(t.left + QR_CENTRE_MM[0] + 2.0, abs=0.3)
    assert cy == pytest.approx(t.top + QR_CENTRE_MM[1] - 1.5, abs=0.3)


def test_magnetic_sheet_has_cut_marks_in_the_margin(runner, tmp_path):
    tokens_of(runner, 1)
    out = tmp_path / "magnet.pdf"
    assert (
        runner("print", "tiles", "--all", "--template", "magnet-a4", "--out", str(out)).exit_code
        == 0
    )
    t = get_template("MAGNET-A4")
    # A strip of the top margin above the labels: dark only where a cut line is.
    strip = render(out, dpi=300, crop_mm=(0, t.top - 4.0, 210, t.top - 2.0))
    dark = [x for x in range(strip.width) if strip.getpixel((x, strip.height // 2)) < 128]
    mm = sorted({round(px_to_mm(x, 300)) for x in dark})
    assert mm == [round(t.left), round(t.left + t.label_w), round(t.left + 2 * t.label_w)]
