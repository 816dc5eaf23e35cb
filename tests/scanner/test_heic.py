"""HEIC photos (iPhones' default): loaded through pillow-heif, upright as the EXIF says."""

import io

import pytest
from PIL import Image

from scanner import scan_photos
from scanner.synth import TileSpec, make_board_photo
from tests.helpers.scan_checks import check_tiles
from tilegen.standard import BoardGeometry

pytest.importorskip("pillow_heif")  # the optional `heic` extra; part of the `test` extra

EXIF_ORIENTATION = 0x0112
ROTATED_90_CW = 6  # view the stored pixels turned 90° clockwise
# A small board keeps the photo small (HEIC encoding is slow: ~10 s for 7 MP) while
# its codes stay at the 2.4 px per module of a full board in a 7 MP photo.
SMALL_BOARD = {3: BoardGeometry(3, 520.0, 390.0)}
SIZE = (1280, 960)
TILES = [  # QR centres in board mm, one tile in each zone and two in the main area
    TileSpec("MA1N234567", "JoW", 3, 208.0, 136.0),
    TileSpec("MA1N765432", "SmB", 3, 364.0, 176.0, 3.0),
    TileSpec("AMBER23456", "BaK", 3, 130.0, 341.0, -2.0),
    TileSpec("RED2345678", "OlR", 3, 364.0, 341.0),
]


def sideways_heic(upright: Image.Image) -> bytes:
    """The photo as a phone held sideways stores it: pixels turned, EXIF saying so."""
    stored = upright.convert("RGB").transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATED_90_CW
    buf = io.BytesIO()
    stored.save(buf, format="HEIF", quality=90, exif=exif.tobytes())
    return buf.getvalue()


@pytest.mark.slow
def test_rotated_heic_with_exif_orientation_places_every_tile():
    photo = make_board_photo(
        TILES, stages=(3,), geometries=SMALL_BOARD, px_per_module=2.4, size=SIZE, seed=4
    )
    assert {t.zone for t in photo.visible} == {"main", "amber", "red"}
    assert len(photo.visible) == len(TILES)
    data = sideways_heic(photo.image)
    with Image.open(io.BytesIO(data)) as img:
        # pillow-heif turns the EXIF orientation into the file's own rotation, which
        # libheif applies on decode; the EXIF tag then reads 1 so nothing rotates twice.
        assert img.format == "HEIF"
        assert img.info["original_orientation"] == ROTATED_90_CW

    result = scan_photos([("board3.heic", data)], geometries=SMALL_BOARD).to_json()

    assert result["errors"] == []
    assert (result["photos"][0]["width"], result["photos"][0]["height"]) == SIZE
    check_tiles(result, photo)
    assert {t["token"] for t in result["tiles"]} == {t.token for t in TILES}
    assert all(t["stage"] == 3 and t["zone"] for t in result["tiles"])
    assert result["boards"][0]["markers"] == 4
