"""Scanning generated board photos: each tile's token, stage and zone."""

import numpy as np
import pytest
from PIL import Image

import scanner.scan as scan_module
from scanner import scan_photos
from scanner.synth import POSTER_TEXT, TileSpec, make_board_photo
from tests.helpers.scan_checks import check_tiles, jpeg

SIZE = (3600, 2700)


def test_plain_board_every_tile_placed(plain_photo):
    result = scan_photos([("board4.jpg", plain_photo.jpeg_bytes())]).to_json()
    check_tiles(result, plain_photo)
    assert result["boards"][0]["stage"] == 4
    assert result["boards"][0]["markers"] == 4
    assert result["boards"][0]["photo"] == "board4.jpg"
    assert POSTER_TEXT in result["unknown"]
    assert all(t["photo"] == "board4.jpg" for t in result["tiles"])


@pytest.mark.slow
def test_hidden_marker_still_places_every_tile():
    photo = make_board_photo(
        stages=(2,), n_tiles=8, px_per_module=2.8, size=SIZE, yaw=15, hide_markers=[(2, 2)], seed=5
    )
    result = scan_photos([("hidden.jpg", photo.jpeg_bytes())]).to_json()
    check_tiles(result, photo)
    board = result["boards"][0]
    assert board["markers"] == 3 and board["located"]
    assert any("only three markers" in s for s in result["photos"][0]["suggestions"])


@pytest.mark.slow
def test_two_boards_in_one_photo():
    photo = make_board_photo(stages=(1, 3), n_tiles=5, px_per_module=2.4, size=(4800, 2400), seed=7)
    result = scan_photos([("two.jpg", photo.jpeg_bytes())]).to_json()
    check_tiles(result, photo)
    assert sorted(b["stage"] for b in result["boards"]) == [1, 3]
    assert {t.stage for t in photo.visible} == {1, 3}


@pytest.mark.slow
def test_one_board_across_two_photos():
    tiles = [
        TileSpec(f"ABCDEFGH{a}{b}", "TWr", 5, x, y)
        for a, x in zip("JKMN", (150, 450, 750, 1050), strict=False)
        for b, y in zip("PQ", (300, 550), strict=False)
    ]
    left = make_board_photo(
        tiles, stages=(5,), px_per_module=3.0, size=(2800, 3000), view_center=(380, 450), seed=1
    )
    right = make_board_photo(
        tiles, stages=(5,), px_per_module=3.0, size=(2800, 3000), view_center=(820, 450), seed=2
    )
    seen_left = {t.token for t in left.visible}
    seen_right = {t.token for t in right.visible}
    assert seen_left != seen_right and seen_left | seen_right == {t.token for t in tiles}
    result = scan_photos([("left.jpg", left.jpeg_bytes()), ("right.jpg", right.jpeg_bytes())])
    data = result.to_json()
    assert len(data["tiles"]) == len({t["payload"] for t in data["tiles"]})
    got = {t["token"]: t for t in data["tiles"]}
    assert set(got) == {t.token for t in tiles}
    truth = {t.token: t for t in left.tiles}
    for token, tile in got.items():
        assert (tile["stage"], tile["zone"]) == (5, truth[token].zone)
    assert not data["duplicates"]


def test_rotated_exif_photo(plain_photo):
    # the camera stored the pixels on their side and says so in EXIF (orientation 6)
    sideways = plain_photo.image.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    result = scan_photos([("exif.jpg", jpeg(sideways, exif=exif))]).to_json()
    check_tiles(result, plain_photo)
    assert result["boards"][0]["markers"] == 4


def test_blank_image_gives_no_tiles_and_no_error():
    blank = Image.fromarray(np.full((1500, 2000), 200, np.uint8))
    result = scan_photos([("blank.png", blank)]).to_json()
    assert result["tiles"] == [] and result["boards"] == [] and result["unknown"] == []
    assert result["errors"] == []
    assert result["photos"][0]["suggestions"] == ["no boards or tiles found in this photo"]


def test_non_image_file_is_an_error_and_others_still_scan(tmp_path, plain_photo):
    bad = tmp_path / "notes.jpg"
    bad.write_text("minutes of the meeting")
    good = tmp_path / "good.jpg"
    good.write_bytes(plain_photo.jpeg_bytes())
    result = scan_photos([bad, good])
    assert len(result.errors) == 1
    assert "notes.jpg" in str(result.errors[0]) and "not an image" in str(result.errors[0])
    check_tiles(result.to_json(), plain_photo)


def test_truncated_and_empty_photos(tmp_path, plain_photo):
    data = plain_photo.jpeg_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 3])
    (tmp_path / "empty.jpg").write_bytes(b"")
    result = scan_photos([tmp_path / "cut.jpg", tmp_path / "empty.jpg"])
    messages = [str(e) for e in result.errors]
    assert len(messages) == 2
    assert "truncated" in messages[0] and "empty" in messages[1]


@pytest.mark.slow
def test_tile_in_two_places_is_a_duplicate():
    tiles = [
        TileSpec("DVPE0DVPE0", "TWr", 3, 300, 300),
        TileSpec("DVPE0DVPE0", "TWr", 3, 900, 800),
        TileSpec("SNGE000000", "ABa", 3, 600, 400),
    ]
    photo = make_board_photo(tiles, stages=(3,), px_per_module=2.8, size=SIZE, seed=3)
    data = scan_photos([("d.jpg", photo.jpeg_bytes())]).to_json()
    got = {t["token"]: t for t in data["tiles"]}
    assert got["DVPE0DVPE0"]["duplicate"] and got["DVPE0DVPE0"]["stage"] is None
    places = data["duplicates"][0]["places"]
    assert sorted(p["zone"] for p in places) == ["main", "red"]
    assert (got["SNGE000000"]["stage"], got["SNGE000000"]["zone"]) == (3, "main")


def test_codes_without_boards_are_still_reported(plain_photo):
    # a close-up with no marker in view: tiles are reported, on no board
    w, h = plain_photo.image.size
    crop = plain_photo.image.crop((w // 3, h // 3, 2 * w // 3, 2 * h // 3))
    data = scan_photos([("close.png", crop)]).to_json()
    assert data["boards"] == []
    assert data["tiles"] and all(t["stage"] is None and t["zone"] is None for t in data["tiles"])


@pytest.mark.slow
def test_hint_finds_at_least_as_much_and_never_misplaces(monkeypatch):
    # the photo's wall-clock limit would make this depend on how busy the machine is:
    # the passes before the hint pass (the known-geometry one among them) stop at it too
    monkeypatch.setattr(scan_module, "HINT_DEADLINE_S", 60.0)
    photo = make_board_photo(
        stages=(1,), n_tiles=10, px_per_module=2.2, blur=1.3, yaw=30, size=SIZE, seed=9
    )
    plain = scan_photos([("h.jpg", photo.jpeg_bytes())]).to_json()
    hints = {1: [t.token for t in photo.tiles]}
    hinted = scan_photos([("h.jpg", photo.jpeg_bytes())], hints=hints).to_json()
    check_tiles(plain, photo, min_recall=0.0)
    check_tiles(hinted, photo, min_recall=0.0)
    assert len(hinted["tiles"]) >= len(plain["tiles"])
    board = hinted["boards"][0]
    assert board["codes_expected"] == 10
    assert board["codes_found_expected"] == len(hinted["tiles"])


def test_annotated_image_is_written(tmp_path, plain_photo):
    scan_photos([("board4.jpg", plain_photo.jpeg_bytes())], annotate_dir=tmp_path)
    with Image.open(tmp_path / "board4.annotated.jpg") as out:
        assert max(out.size) <= 2400 and out.mode == "RGB"
