"""A code zxing-cpp finds (its three finder patterns) but cannot correct, because glare
clipped part of its data, is read again on its own corners with the clipped modules
erased: Reed-Solomon corrects twice as many erasures as errors. Any QR code, not only a
tile's; nothing is reported unless Reed-Solomon and the standard's padding agree."""

import cv2
import numpy as np
import pytest
import qrcode
import zxingcpp
from qrcode.constants import ERROR_CORRECT_M

import scanner.scan as scan_module
from scanner import decode, scan_photos
from scanner.grid_sampler import read_detected

TEXT = "https://example.org/poster/a-notice-for-the-corridor"


@pytest.fixture(autouse=True)
def unhurried(monkeypatch):
    """The photo's time limit is a wall clock; not what is tested here."""
    monkeypatch.setattr(scan_module, "HINT_DEADLINE_S", 30.0)


def spotted_code(spot_px: float, at=(0.55, 0.45), px_per_module: int = 6) -> np.ndarray:
    """A printed code (grey ink on white) photographed with a specular spot: a core far
    brighter than white that the sensor clips, a halo; then focus blur and noise."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    qr.add_data(TEXT)
    qr.make()
    modules = np.array(qr.get_matrix(), bool)
    img = np.where(modules, 35, 215).astype(np.float32)
    img = cv2.resize(img, None, fx=px_per_module, fy=px_per_module, interpolation=cv2.INTER_NEAREST)
    img = cv2.copyMakeBorder(img, 60, 60, 60, 60, cv2.BORDER_CONSTANT, value=215)
    h, w = img.shape
    yy, xx = np.mgrid[:h, :w]
    q2 = ((xx - at[0] * w) ** 2 + (yy - at[1] * h) ** 2) / spot_px**2
    img = img + 420 * np.exp(-(q2**2)) + 60 * np.exp(-q2 / 4)
    img = cv2.GaussianBlur(img, (0, 0), 1.2) + np.random.default_rng(0).normal(0, 3, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("spot", [(33.0, (0.55, 0.45)), (34.0, (0.45, 0.62))])
def test_a_code_zxing_finds_but_cannot_correct_is_read_with_its_glare_erased(spot):
    gray = spotted_code(*spot)
    assert (gray >= 250).sum() > 2000  # the spot clips
    assert TEXT not in {b.text for b in zxingcpp.read_barcodes(gray)}
    failed: list[decode.Detected] = []
    assert decode.zxing(gray, "whole", failed=failed) == []
    assert failed and failed[0].level == "M"
    code = read_detected(gray, failed[0])
    assert code is not None and code.text == TEXT
    assert code.method.startswith("detected/rs")
    # its corners: where zxing-cpp found the code, within two modules
    assert np.abs(code.corners - failed[0].corners).max() < 2 * 6
    data = scan_photos([("poster.png", cv2.imencode(".png", gray)[1].tobytes())]).to_json()
    assert data["unknown"] == [TEXT] and data["tiles"] == []


def test_a_code_glared_past_its_check_symbols_yields_nothing():
    gray = spotted_code(44.0)
    failed: list[decode.Detected] = []
    decode.zxing(gray, "whole", failed=failed)
    assert failed  # found, but too much of it is gone
    assert all(read_detected(gray, d) is None for d in failed)
    data = scan_photos([("poster.png", cv2.imencode(".png", gray)[1].tobytes())]).to_json()
    assert data["unknown"] == [] and data["tiles"] == []
