"""Real third-party photos of QR codes with a specular spot laid over the code: a core
that the sensor clips and a halo that lifts dark and light modules alike. zxing-cpp finds
the code but cannot correct it; read against the midpoint of the local light and dark
envelopes (clipped pixels counted as light), the halo's dark modules stay dark and
Reed-Solomon corrects what is left. Nothing is reported that Reed-Solomon and the
standard's padding do not agree on."""

from pathlib import Path

import cv2
import numpy as np
import pytest
import zxingcpp

import scanner.scan as scan_module
from scanner import decode, grid_sampler, scan_photos
from scanner.images import load_photo
from scanner.qr_codewords import _byte_text

REAL = Path("/work/shared/testdata/qr-real/zxing-java")

# (photo, spots, radius range as a share of the code's side), as bench/scan_real.py lays them
CASES = [
    ("qrcode-3/27.png", 3, (0.05, 0.09)),
    ("qrcode-3/35.png", 1, (0.14, 0.2)),
    ("qrcode-1/7.png", 1, (0.14, 0.2)),
]


@pytest.fixture(autouse=True)
def unhurried(monkeypatch):
    """The photo's time limit is a wall clock; not what is tested here."""
    monkeypatch.setattr(scan_module, "HINT_DEADLINE_S", 30.0)


def spotted(name: str, spots: int, radius) -> tuple[np.ndarray, str]:
    """The photo with ``spots`` clipped specular spots on its code, and the code's text."""
    path = REAL / name
    text = _norm(path.with_suffix(".txt").read_text(encoding="utf-8"))
    gray = load_photo(path).gray
    b = next(b for b in zxingcpp.read_barcodes(gray) if _norm(b.text) == text)
    p = b.position
    quad = np.array(
        [[q.x, q.y] for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)], float
    )
    side = float(np.linalg.norm(quad - np.roll(quad, 1, axis=0), axis=1).mean())
    rng = np.random.default_rng([0, 0, len(path.name), spots])
    out = gray.astype(np.float32)
    yy, xx = np.ogrid[: gray.shape[0], : gray.shape[1]]
    for _ in range(spots):
        a, c = rng.uniform(0.1, 0.9, 2)
        top = quad[0] + a * (quad[1] - quad[0])
        x, y = top + c * (quad[3] + a * (quad[2] - quad[3]) - top)
        q2 = ((xx - x) ** 2 + (yy - y) ** 2) / (rng.uniform(*radius) * side) ** 2
        out += 420.0 * np.exp(-(q2**2)) + 90.0 * np.exp(-q2 / 6)
    return np.clip(out, 0, 255).astype(np.uint8), text


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def texts(gray: np.ndarray) -> set[str]:
    data = scan_photos([("photo.png", cv2.imencode(".png", gray)[1].tobytes())]).to_json()
    return {_norm(t) for t in data["unknown"]} | {t["payload"] for t in data["tiles"]}


@pytest.mark.skipif(not REAL.exists(), reason="the real photos are not on this machine")
@pytest.mark.parametrize("name,spots,radius", CASES)
def test_a_glared_real_code_is_read_against_its_light_and_dark_envelopes(
    name, spots, radius, monkeypatch
):
    gray, text = spotted(name, spots, radius)
    assert (gray >= grid_sampler.CLIPPED).sum() > 100  # the spot clips
    assert text not in {_norm(b.text) for b in zxingcpp.read_barcodes(gray)}
    assert texts(gray) == {text}
    # without the envelopes (the mean-and-spread contrast twice) the code is not read
    monkeypatch.setattr(
        grid_sampler,
        "envelope_contrast",
        lambda crop: grid_sampler.recover_contrast(crop, crop >= 250),
    )
    assert text not in texts(gray)


def test_envelope_contrast_keeps_a_dark_module_dark_under_a_halo():
    """Modules of 4 px, dark 40 and light 200, with a halo adding up to 90: the mean of
    what is not clipped leans dark near the clip; the envelopes' midpoint does not."""
    rng = np.random.default_rng(1)
    modules = rng.random((21, 21)) < 0.5
    crop = np.kron(np.where(modules, 40.0, 200.0), np.ones((4, 4)))
    yy, xx = np.mgrid[: crop.shape[0], : crop.shape[1]]
    crop += 90.0 * np.exp(-((xx - 40) ** 2 + (yy - 40) ** 2) / 30.0**2)
    crop = np.clip(crop, 0, 255).astype(np.uint8)
    norm = grid_sampler.envelope_contrast(crop)
    centres = norm[2::4, 2::4]
    assert ((centres < 0) == modules).mean() > 0.97


@pytest.mark.parametrize(
    "text,encoding",
    [("ﾃﾞｻﾞｲﾝ モバイル", "shift_jis"), ("café crème", "latin-1"), ("café ✓", "utf-8")],
)
def test_a_byte_segment_reads_in_the_encoding_its_bytes_show(text, encoding):
    assert _byte_text(text.encode(encoding)) == text


@pytest.mark.skipif(not REAL.exists(), reason="the real photos are not on this machine")
@pytest.mark.parametrize(
    "name,spots,radius",
    [
        ("qrcode-2/15.png", 3, (0.05, 0.09)),
        ("qrcode-2/35.png", 1, (0.14, 0.2)),
        ("qrcode-4/43.png", 1, (0.08, 0.14)),
    ],
)
def test_a_photo_where_nothing_was_read_is_tried_again_normalised(name, spots, radius, monkeypatch):
    gray, text = spotted(name, spots, radius)
    assert text not in {_norm(b.text) for b in zxingcpp.read_barcodes(gray)}
    assert texts(gray) == {text}
    monkeypatch.setattr(decode, "nothing_read_pass", lambda gray, deadline: [])
    assert texts(gray) == set()


@pytest.mark.skipif(not REAL.exists(), reason="the real photos are not on this machine")
def test_a_code_found_but_not_corrected_without_glare_is_read_once_the_other_passes_miss_it(
    monkeypatch,
):
    """A real photo (no glare laid on it) whose code zxing-cpp finds but cannot correct,
    and that the crops of pass 2 do not read either: pass 2c reads it on its corners."""
    path = REAL / "qrcode-4/32.png"
    text = _norm(path.with_suffix(".txt").read_text(encoding="utf-8"))
    gray = load_photo(path).gray
    assert text not in {_norm(b.text) for b in zxingcpp.read_barcodes(gray)}
    failed: list[decode.Detected] = []
    assert decode.zxing(gray, "whole", failed=failed) == [] and failed
    assert (gray >= grid_sampler.CLIPPED).sum() < 2 * (gray.shape[0] / failed[0].modules) ** 2
    assert texts(gray) == {text}
    real_pass = scan_module.detected_pass
    monkeypatch.setattr(
        scan_module,
        "detected_pass",
        lambda *a, glared=True: real_pass(*a, glared=glared) if glared else [],
    )
    assert texts(gray) == set()


@pytest.mark.skipif(not REAL.exists(), reason="the real photos are not on this machine")
@pytest.mark.parametrize("name", ["qrcode-2/19.png", "qrcode-2/21.png"])
def test_a_glared_code_zxing_found_is_read_by_zxing_on_a_crop_of_its_own(name):
    """Half-width katakana in Shift_JIS: zxing-cpp's own reading of the crop keeps the
    text's encoding, which the modules alone do not tell."""
    gray, text = spotted(name, 1, (0.14, 0.2))
    failed: list[decode.Detected] = []
    assert text not in {c.text for c in decode.zxing(gray, "whole", failed=failed)} and failed
    read = [decode.detected_crop(gray, d) for d in failed]
    assert text in {_norm(c.text) for c in read if c is not None}
    assert texts(gray) == {text}


@pytest.mark.skipif(not REAL.exists(), reason="the real photos are not on this machine")
def test_a_code_s_control_codes_are_reported_as_they_are():
    """zxing-cpp's default text names control codes (``<SOH>``); the decoded text is what
    the code holds."""
    path = REAL / "qrcode-2/33.png"
    text = _norm(path.with_suffix(".txt").read_text(encoding="utf-8"))
    assert any(ord(ch) < 32 for ch in text)
    assert texts(load_photo(path).gray) == {text}


@pytest.mark.skipif(not REAL.exists(), reason="the real photos are not on this machine")
def test_pyzbar_reads_a_glared_code_s_own_crop_as_a_second_opinion():
    gray, text = spotted("qrcode-4/12.png", 1, (0.08, 0.14))
    failed: list[decode.Detected] = []
    assert text not in {_norm(c.text) for c in decode.zxing(gray, "whole", failed=failed)}
    read = [c for c in (decode.detected_crop(gray, d) for d in failed) if c is not None]
    assert any(_norm(c.text) == text and c.method.endswith("/zbar") for c in read)
    assert texts(gray) == {text}
