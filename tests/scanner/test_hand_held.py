"""Hand-held photos: the blur kernel measured on the markers, deconvolution with it,
glare found and named, and retake advice that names its cause with the value measured."""

import cv2
import numpy as np
import pytest
import qrcode
import zxingcpp

from scanner import scan_photos
from scanner.decode import wiener_deconvolve
from scanner.psf import kernel_image
from scanner.quality import SECOND_PHOTO, board_suggestions
from scanner.synth import TileSpec, make_board_photo
from scanner.synth_camera import motion_kernel
from tests.helpers.scan_checks import check_tiles
from tilegen.payload import tile_url
from tilegen.standard import BoardGeometry

SMALL_BOARD = {3: BoardGeometry(3, 520.0, 390.0)}  # a small board keeps the photos small
SIZE = (1600, 1200)
TILES = [
    TileSpec("MA1N234567", "JoW", 3, 208.0, 136.0, 6.0),
    TileSpec("MA1N765432", "SmB", 3, 380.0, 176.0, -8.0),
    TileSpec("AMBER23456", "BaK", 3, 130.0, 341.0, -2.0),
    TileSpec("RED2345678", "OlR", 3, 364.0, 341.0, 7.0),
]


def small_board_photo(**kw):
    return make_board_photo(
        TILES, stages=(3,), geometries=SMALL_BOARD, px_per_module=2.8, size=SIZE, **kw
    )


def test_reported_kernel_of_a_3_px_streak_is_within_1_px_of_the_truth():
    photo = small_board_photo(motion_px=3.0, motion_deg=35, distortion=0.01, seed=6)
    result = scan_photos([photo.image], geometries=SMALL_BOARD).to_json()
    check_tiles(result, photo)
    psf = result["boards"][0]["psf"]
    assert abs(psf["length_px"] - 3.0) <= 1.0, psf
    assert abs(psf["angle_deg"] - 35) <= 15, psf
    assert psf["markers"] >= 3


@pytest.fixture(scope="module")
def steady():
    """The small board held still, in even light: focus blur only."""
    return small_board_photo(glare=False, blur=0.8, seed=8)


def test_a_steady_photo_reports_no_streak(steady):
    result = scan_photos([steady.image], geometries=SMALL_BOARD).to_json()
    check_tiles(result, steady)
    psf = result["boards"][0]["psf"]
    assert psf["length_px"] < 1.5 and abs(psf["sigma_px"] - 0.8) < 0.4, psf
    assert "glare" not in result["boards"][0]


def test_glare_on_a_tile_is_named_with_where_it_is(steady):
    corner = steady.params["board_h"][3] @ [380.0 - 8, 176.0 + 8, 1.0]
    at = (corner[0] / corner[2] / SIZE[0], corner[1] / corner[2] / SIZE[1])
    photo = small_board_photo(glare="hard", glare_at=at, blur=0.8, seed=8)
    result = scan_photos([photo.image], geometries=SMALL_BOARD).to_json()
    check_tiles(result, photo, min_recall=0.75)
    glare = result["boards"][0]["glare"]
    assert glare["tiles"] >= 1 and glare["where"] in ("top right", "right", "top")
    advice = " ".join(result["photos"][0]["suggestions"])
    assert f"glare on {glare['tiles']} tile" in advice
    assert "tilt the phone or turn off the light above" in advice


URL = tile_url("http://127.0.0.1:5000", "K7M2Q9XH3A")


@pytest.fixture(scope="module")
def streaked_code() -> np.ndarray:
    """A code at 2.5 px per module, streaked 5.5 px by hand shake at 30 degrees."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(URL)
    modules = np.where(np.array(qr.get_matrix()), 0, 255).astype(np.float32)
    small = cv2.resize(modules, None, fx=2.5, fy=2.5, interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(small, (0, 0), 0.6)
    blurred = cv2.filter2D(blurred, -1, motion_kernel(5.5, 30))
    noise = np.random.default_rng(0).normal(0, 2, blurred.shape)
    return np.clip(blurred + noise, 0, 255).astype(np.uint8)


def reads(gray: np.ndarray) -> set[str]:
    up = cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    found = zxingcpp.read_barcodes(up, binarizer=zxingcpp.Binarizer.GlobalHistogram)
    return {r.text for r in found + zxingcpp.read_barcodes(up)}


def test_a_streaked_code_reads_only_after_deconvolving_the_streak(streaked_code):
    assert reads(streaked_code) == set()
    sharp = wiener_deconvolve(streaked_code, kernel_image(5.5, 30, 0.6), 0.004)
    assert sharp.shape == streaked_code.shape and sharp.dtype == np.uint8
    assert reads(sharp) == {URL}


def report(**kw) -> dict:
    return {"stage": 2, "markers": 4, "px_per_module": 2.8, **kw}


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        (
            {"psf": {"length_px": 4.2, "angle_deg": 30, "sigma_px": 0.8}, "unread_codes": 2},
            ["blurred by movement (a 4.2 px streak at 30°)", "rest it on something"],
        ),
        ({"px_per_module": 1.9}, ["codes are small (1.9 pixels per module)", "move closer"]),
        ({"view_angle_deg": 52.0}, ["steep angle (52° from straight on)", "in front of"]),
        (
            {"glare": {"tiles": 3, "where": "top right", "share_pct": 2.0}},
            ["glare on 3 tiles near the top right: tilt the phone or turn off the light above"],
        ),
        (
            {"markers": 3, "missing_corners": [1]},
            ["only three markers visible (top-right hidden or out of the photo)"],
        ),
        (
            {"codes_expected": 12, "codes_found_expected": 10},
            [f"2 of 12 expected tiles not found; {SECOND_PHOTO}"],
        ),
    ],
)
def test_retake_advice_names_the_cause_with_the_value_measured(facts, words):
    advice = " ".join(board_suggestions(report(**facts)))
    for w in words:
        assert w in advice
    assert advice.startswith("board 2: ")


def test_a_steady_good_photo_gets_no_advice():
    psf = {"length_px": 0.0, "angle_deg": 0.0, "sigma_px": 0.7}
    assert board_suggestions(report(psf=psf, view_angle_deg=12.0, unread_codes=0)) == []
