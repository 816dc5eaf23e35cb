"""HEIC photos (iPhones' default): loaded through pillow-heif, upright as the EXIF says."""

import io

import pytest
from conftest_helpers import check_tiles
from PIL import Image

from scanner import scan_photos
from scanner.synth import make_board_photo

pytest.importorskip("pillow_heif")  # the optional `heic` extra; part of the `test` extra

EXIF_ORIENTATION = 0x0112
ROTATED_90_CW = 6  # view the stored pixels turned 90° clockwise


def test_rotated_heic_with_exif_orientation_places_every_tile():
    photo = make_board_photo(stages=(3,), n_tiles=6, px_per_module=2.4, size=(3000, 2250), seed=4)
    upright = photo.image.convert("RGB")
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # as a sideways-held phone stores it
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATED_90_CW
    buf = io.BytesIO()
    stored.save(buf, format="HEIF", quality=90, exif=exif.tobytes())
    data = buf.getvalue()
    assert stored.size == (2250, 3000)
    with Image.open(io.BytesIO(data)) as img:
        # pillow-heif turns the EXIF orientation into the file's own rotation, which
        # libheif applies on decode; the EXIF tag then reads 1 so nothing rotates twice.
        assert img.format == "HEIF"
        assert img.info["original_orientation"] == ROTATED_90_CW

    result = scan_photos([("board3.heic", data)]).to_json()

    assert result["errors"] == []
    assert (result["photos"][0]["width"], result["photos"][0]["height"]) == (3000, 2250)
    check_tiles(result, photo)
    assert {t["token"] for t in result["tiles"]} == {t.token for t in photo.visible}
    assert all(t["stage"] == 3 and t["zone"] for t in result["tiles"])
    assert result["boards"][0]["markers"] == 4
