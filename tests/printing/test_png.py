"""`print tiles --format png`: one PNG per tile, its URL only, its dpi, its physical size."""

from __future__ import annotations

import pytest
from PIL import Image

from tests.helpers.printed_pages import BASE_URL, decode_zbar, decode_zxing
from tilegen.payload import parse_tile_url
from tilegen.tile import TILE_HEIGHT_MM, TILE_WIDTH_MM
from tilegen.units import px_to_mm


def test_each_png_is_the_tile_at_its_size_and_decodes_to_its_url_only(runner, family, tmp_path):
    views = [family("TWr", ref="CASE-991", worker="Sam"), family("ABc", stage=4, due=-3)]
    out = tmp_path / "pngs"
    tokens = [v["token"] for v in views]
    result = runner("print", "tiles", *tokens, "--format", "png", "--dpi", "600", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.png" for t in tokens)
    for view in views:
        with Image.open(out / f"{view['token']}.png") as image:
            image.load()
            dpi = image.info["dpi"]
            assert dpi == pytest.approx((600, 600), abs=0.01)
            assert px_to_mm(image.width, dpi[0]) == pytest.approx(TILE_WIDTH_MM, abs=0.05)
            assert px_to_mm(image.height, dpi[1]) == pytest.approx(TILE_HEIGHT_MM, abs=0.05)
            grey = image.convert("L")
        url = f"{BASE_URL}/t/{view['token']}"
        assert [r.text for r in decode_zxing(grey)] == [url]
        assert decode_zbar(grey) == [url]
        assert parse_tile_url(url) == view["token"]
        # No personal data in the payload: not the board code, ref or worker.
        payload = url.removeprefix(BASE_URL)
        for private in (view["initials"], "CASE-991", "Sam"):
            assert private.lower() not in payload.lower()


def test_png_format_needs_a_folder(runner, family, tmp_path):
    view = family()
    afile = tmp_path / "taken"
    afile.write_text("x")
    result = runner("print", "tiles", view["token"], "--format", "png", "--out", str(afile))
    assert result.exit_code == 2
    assert "folder" in result.output
