"""The deblur fallback: a QR code at about 2 px per module under a blur of more than
half a module reads only after the measured blur is undone."""

import cv2
import numpy as np
import pytest
import qrcode
import zxingcpp

from scanner.decode import wiener_deblur
from tilegen.payload import tile_url

URL = tile_url("http://127.0.0.1:5000", "K7M2Q9XH3A")


def photographed_code(px_per_module: float, sigma: float) -> np.ndarray:
    """The code as a phone would see it: small, blurred, a little noisy."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(URL)
    modules = np.where(np.array(qr.get_matrix()), 0, 255).astype(np.uint8)
    sharp = cv2.resize(modules, None, fx=8, fy=8, interpolation=cv2.INTER_NEAREST)
    side = round(modules.shape[0] * px_per_module)
    small = cv2.resize(sharp, (side, side), interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(small, (0, 0), sigma)
    noise = np.random.default_rng(0).normal(0, 2, blurred.shape)
    return np.clip(blurred + noise, 0, 255).astype(np.uint8)


def reads(gray: np.ndarray) -> set[str]:
    up = cv2.resize(gray, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    found = zxingcpp.read_barcodes(up, binarizer=zxingcpp.Binarizer.GlobalHistogram)
    return {r.text for r in found + zxingcpp.read_barcodes(up)}


@pytest.mark.parametrize(("px_per_module", "sigma"), [(2.0, 1.2), (2.2, 1.3), (2.4, 1.4)])
def test_blurred_small_code_reads_only_after_deblurring(px_per_module, sigma):
    photo = photographed_code(px_per_module, sigma)
    assert reads(photo) == set()
    assert reads(wiener_deblur(photo, sigma)) == {URL}


def test_deblur_keeps_size_and_range():
    photo = photographed_code(2.2, 1.3)
    out = wiener_deblur(photo, 1.3)
    assert out.shape == photo.shape and out.dtype == np.uint8
