"""QR decoding passes. Each pass spends effort only where codes are still missing.

1. zxing-cpp on the whole photo. A code it finds but cannot correct is kept
   (:class:`Detected`) and read again on its own corners with the clipped modules
   erased (:func:`scanner.grid_sampler.read_detected`).
2. Where the photo has code-like texture that no decoded code explains, a
   crop around it: rectified through the board's homography when it lies on
   a located board, upsampled to about five pixels per module and sharpened,
   then zxing-cpp with two binarisers, then pyzbar as a second opinion.
   On a board, when that reads nothing, the photo around the region is
   deconvolved first (Wiener filter with the point-spread function fitted on
   the nearest marker, :mod:`scanner.psf`; then with a round Gaussian of the
   blur measured on the markers) and rectified at about six pixels per module.
   Where glare has washed a code out, a local threshold reads what remains.
3. Only with a hint of expected tokens that are still missing: overlapping
   windows over the whole board, the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

from tilegen.tile import QR_SIZE_MM

QR = zxingcpp.BarcodeFormat.QRCode
GLOBAL = zxingcpp.Binarizer.GlobalHistogram
TARGET_PX_PER_MODULE = 5.0
DEBLUR_PX_PER_MODULE = 6.0  # deblurred crops: a little finer, for the binarisers
DEBLUR_MIN_BLUR_RATIO = 0.4  # deblur only where blur sigma exceeds this share of a module
# Wiener deblurring, tried in turn: (blur sigma as a share of the one measured on the
# markers, noise-to-signal ratio). A lower ratio restores more and amplifies noise more.
DEBLUR_SETTINGS = ((1.0, 0.002), (1.0, 0.005), (1.0, 0.001), (0.9, 0.002), (0.9, 0.001))
# Wiener deconvolution with the fitted kernel: noise-to-signal ratios tried in turn
KERNEL_NSR = (0.004, 0.012, 0.0015)
GLARE_NSR = 0.03  # under glare: a gentler filter, since the threshold does the rest
GLARE_BLOCKS = (2.0, 1.5, 3.0)  # local threshold neighbourhoods tried, in modules
MAX_UPSAMPLE = 3.5
DEFAULT_QR_MM = QR_SIZE_MM  # the printed QR side, used until codes in the photo tell us better
DEFAULT_MODULES = 29  # a version-3 code: a tile URL with a 10-character token


@dataclass
class Code:
    """One decoded QR code; ``corners`` are photo pixels (TL, TR, BR, BL of the symbol)."""

    text: str
    corners: np.ndarray
    method: str
    modules: int = DEFAULT_MODULES

    @property
    def center(self) -> np.ndarray:
        return _diagonal_crossing(self.corners)

    @property
    def side_px(self) -> float:
        return float(np.linalg.norm(self.corners - np.roll(self.corners, 1, axis=0), axis=1).mean())


def _diagonal_crossing(q: np.ndarray) -> np.ndarray:
    """The centre of a quadrilateral under perspective: where its diagonals cross."""
    p, r = q[0], q[2] - q[0]
    s, d = q[1], q[3] - q[1]
    den = r[0] * d[1] - r[1] * d[0]
    if abs(den) < 1e-9:
        return q.mean(axis=0)
    t = ((s[0] - p[0]) * d[1] - (s[1] - p[1]) * d[0]) / den
    return p + t * r


def _modules(barcode) -> int:
    version = (
        str(getattr(barcode, "extra", {}).get("Version", ""))
        if isinstance(getattr(barcode, "extra", None), dict)
        else ""
    )
    return int(version) * 4 + 17 if version.isdigit() else DEFAULT_MODULES


@dataclass
class Detected:
    """A QR code zxing-cpp found but could not correct: where it is (photo px corners of
    the symbol, TL, TR, BR, BL), its module count and its error-correction level."""

    corners: np.ndarray
    modules: int
    level: str  # "L", "M", "Q" or "H"


def zxing(
    img: np.ndarray,
    method: str,
    binarizer=zxingcpp.Binarizer.LocalAverage,
    downscale: bool = True,
    failed: list[Detected] | None = None,
) -> list[Code]:
    """Codes zxing-cpp reads; those it finds but cannot correct go to ``failed`` when given."""
    found = zxingcpp.read_barcodes(
        img,
        formats=QR,
        try_rotate=True,
        try_downscale=downscale,
        try_invert=False,
        text_mode=zxingcpp.TextMode.Plain,  # the text itself: control codes as they are
        binarizer=binarizer,
        return_errors=failed is not None,
    )
    out = []
    for b in found:
        p = b.position
        corners = np.array(
            [[q.x, q.y] for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)],
            np.float64,
        )
        if b.valid and b.text:
            out.append(Code(b.text, corners, method, _modules(b)))
        elif failed is not None and b.error and _version(b) and b.ec_level in ("L", "M", "Q", "H"):
            failed.append(Detected(corners, _version(b) * 4 + 17, b.ec_level))
    return out


def _version(barcode) -> int:
    """The symbol's version (1-40) as zxing-cpp read it; 0 for a Micro QR or none."""
    extra = barcode.extra if isinstance(getattr(barcode, "extra", None), dict) else {}
    version = str(extra.get("Version", ""))
    return int(version) if version.isdigit() else 0


def zbar(img: np.ndarray, method: str) -> list[Code]:
    out = []
    for d in pyzbar.decode(img, symbols=[pyzbar.ZBarSymbol.QRCODE]):
        try:
            text = d.data.decode("utf-8")
        except UnicodeDecodeError:
            text = d.data.decode("latin-1")
        poly = np.array([(p.x, p.y) for p in d.polygon], np.float64)
        if len(poly) != 4:
            x, y, w, h = d.rect
            poly = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float64)
        out.append(Code(text, poly, method))
    return out


def sharpen(img: np.ndarray, sigma: float, amount: float = 1.2) -> np.ndarray:
    """Unsharp mask: restores module edges softened by blur and upsampling."""
    soft = cv2.GaussianBlur(img, (0, 0), sigma)
    return cv2.addWeighted(img, 1 + amount, soft, -amount, 0)


def decode_crop(crop: np.ndarray, up: float, want: Callable[[list[Code]], bool]) -> list[Code]:
    """Try ever harder on one prepared crop until ``want`` is satisfied; crop-pixel corners."""
    found: list[Code] = []
    sharp = sharpen(crop, max(1.0, 0.9 * up))
    attempts = (
        lambda: zxing(crop, "crop", downscale=False),
        lambda: zxing(sharp, "crop+sharpen", downscale=False),
        lambda: zxing(sharp, "crop+sharpen/global", zxingcpp.Binarizer.GlobalHistogram, False),
        lambda: zbar(sharp, "crop+sharpen/zbar"),
        lambda: zbar(crop, "crop/zbar"),
    )
    for attempt in attempts:
        found += [c for c in attempt() if c.text not in {f.text for f in found}]
        if want(found):
            break
    return found


def wiener_deblur(img: np.ndarray, sigma: float, k: float = 0.002) -> np.ndarray:
    """Undo a Gaussian blur of ``sigma`` pixels (Wiener filter); for photo-space crops.

    At about 2 px per module and a blur sigma over half a module, an unsharp
    mask cannot bring back the module contrast; inverting the measured blur can.
    It must run before any warp, while the blur is still round.
    """
    pad = int(4 * sigma) + 8
    f = cv2.copyMakeBorder(img.astype(np.float32), pad, pad, pad, pad, cv2.BORDER_REFLECT)
    rows, cols = f.shape
    fy = np.fft.fftfreq(rows)[:, None]
    fx = np.fft.rfftfreq(cols)[None, :]
    g = np.exp(-2 * np.pi**2 * sigma**2 * (fx**2 + fy**2))
    out = np.fft.irfft2(np.fft.rfft2(f) * (g / (g * g + k)), s=(rows, cols))
    return np.clip(out[pad:-pad, pad:-pad], 0, 255).astype(np.uint8)


def wiener_deconvolve(img: np.ndarray, kernel: np.ndarray, nsr: float) -> np.ndarray:
    """Undo a blur by any small 2-D ``kernel`` (centred, summing to 1): a Wiener filter.

    A motion streak's spectrum has zeros; ``nsr`` (noise-to-signal ratio) keeps the
    filter from amplifying noise there.
    """
    r = kernel.shape[0] // 2
    pad = r + 8
    f = cv2.copyMakeBorder(img.astype(np.float32), pad, pad, pad, pad, cv2.BORDER_REFLECT)
    rows, cols = f.shape
    kp = np.zeros((rows, cols), np.float32)
    kp[: kernel.shape[0], : kernel.shape[1]] = kernel
    kp = np.roll(kp, (-r, -r), axis=(0, 1))  # the kernel's centre at the origin
    kf = np.fft.rfft2(kp)
    filt = np.conj(kf) / (np.abs(kf) ** 2 + nsr)
    out = np.fft.irfft2(np.fft.rfft2(f) * filt, s=(rows, cols))
    return np.clip(out[pad:-pad, pad:-pad], 0, 255).astype(np.uint8)


def deblurred_board_window(
    gray: np.ndarray,
    h: np.ndarray,
    window_mm: tuple,
    px_per_mm: float,
    blur: float | np.ndarray,
    k: float = 0.002,
) -> tuple[np.ndarray, np.ndarray]:
    """Like ``warp_board_window``, but the photo is deblurred (just around the window) first:
    ``blur`` is a Gaussian sigma or a 2-D kernel, ``k`` the filter's noise-to-signal ratio."""
    x0, y0, x1, y1 = window_mm
    mm = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64)
    px = cv2.perspectiveTransform(mm.reshape(-1, 1, 2), h)[:, 0]
    reach = blur.shape[0] / 2 if isinstance(blur, np.ndarray) else 3 * blur
    margin = int(reach) + 4
    (px0, py0), (px1, py1) = px.min(axis=0).astype(int) - margin, px.max(axis=0).astype(int)
    px0, py0 = max(px0, 0), max(py0, 0)
    px1 = min(px1 + margin + 1, gray.shape[1])
    py1 = min(py1 + margin + 1, gray.shape[0])
    if px1 - px0 < 8 or py1 - py0 < 8:
        return np.zeros((8, 8), np.uint8), np.eye(3)
    patch = gray[py0:py1, px0:px1]
    if isinstance(blur, np.ndarray):
        sharp = wiener_deconvolve(patch, blur, k)
    else:
        sharp = wiener_deblur(patch, blur, k)
    shift = np.array([[1, 0, -px0], [0, 1, -py0], [0, 0, 1]], np.float64)
    crop, m = warp_board_window(sharp, shift @ h, x0, y0, x1, y1, px_per_mm)
    return crop, np.linalg.inv(shift) @ m


def local_threshold(crop: np.ndarray, module_px: float, modules: float = 2.0) -> np.ndarray:
    """Black and white by each pixel's neighbourhood (``modules`` modules across), for a
    code whose contrast glare has squeezed towards white; clipped pixels stay white."""
    block = max(3, int(modules * module_px)) | 1
    return cv2.adaptiveThreshold(crop, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, 2)


def decode_deblurred(crop: np.ndarray, want: Callable[[list[Code]], bool]) -> list[Code]:
    """A deblurred crop: the global binariser first (the filter evens the lighting out)."""
    found: list[Code] = []
    attempts = (
        lambda: zxing(crop, "deblur/global", zxingcpp.Binarizer.GlobalHistogram, False),
        lambda: zxing(crop, "deblur", downscale=False),
        lambda: zbar(crop, "deblur/zbar"),
    )
    for attempt in attempts:
        found += [c for c in attempt() if c.text not in {f.text for f in found}]
        if want(found):
            break
    return found


def warp_board_window(
    gray: np.ndarray, h: np.ndarray, x0: float, y0: float, x1: float, y1: float, px_per_mm: float
) -> tuple[np.ndarray, np.ndarray]:
    """A rectified crop of board mm ``[x0,x1] x [y0,y1]``; returns it and crop->photo homography."""
    w, hh = max(8, round((x1 - x0) * px_per_mm)), max(8, round((y1 - y0) * px_per_mm))
    crop_to_mm = np.array([[1 / px_per_mm, 0, x0], [0, 1 / px_per_mm, y0], [0, 0, 1]])
    m = h @ crop_to_mm
    crop = cv2.warpPerspective(
        gray,
        m,
        (w, hh),
        flags=cv2.INTER_CUBIC | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return crop, m


def to_photo(codes: list[Code], m: np.ndarray) -> list[Code]:
    for c in codes:
        c.corners = cv2.perspectiveTransform(c.corners.reshape(-1, 1, 2), m)[:, 0]
    return codes


def image_window(gray: np.ndarray, box: tuple[int, int, int, int], up: float):
    """An axis-aligned crop of the photo, upsampled by ``up``; and crop->photo homography."""
    x0, y0, x1, y1 = box
    crop = gray[y0:y1, x0:x1]
    if up > 1.05:
        crop = cv2.resize(crop, None, fx=up, fy=up, interpolation=cv2.INTER_CUBIC)
    m = np.array([[1 / up, 0, x0], [0, 1 / up, y0], [0, 0, 1]])
    return crop, m


def texture_blobs(small: np.ndarray, qr_px: float, ref: float | None) -> list[tuple]:
    """Code-like regions of a downscaled photo: dense edges over about a code's area.

    Returns boxes ``(x0, y0, x1, y1, peak)`` in ``small``'s pixels. ``ref`` is
    the edge density of a known code or marker in this photo, when there is one.
    """
    gx = cv2.Sobel(small, cv2.CV_16S, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_16S, 0, 1, ksize=3)
    energy = cv2.add(cv2.convertScaleAbs(gx), cv2.convertScaleAbs(gy))
    k = max(3, int(qr_px * 0.6)) | 1
    dens = cv2.boxFilter(energy, cv2.CV_32F, (k, k))
    thr = 0.35 * ref if ref else max(12.0, float(np.percentile(dens, 99)) * 0.35)
    mask = (dens > thr).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    blobs = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if area < 0.15 * qr_px * qr_px:
            continue
        peak = float(dens[y : y + h, x : x + w].max())
        blobs.append((x, y, x + w, y + h, peak))
    return blobs


def edge_density(small: np.ndarray, quad: np.ndarray, qr_px: float) -> float:
    """The peak edge density inside ``quad`` (small-image pixels), the scale blobs use."""
    x0, y0 = np.maximum(quad.min(axis=0).astype(int), 0)
    x1, y1 = quad.max(axis=0).astype(int) + 1
    patch = small[y0:y1, x0:x1]
    if patch.size < 9:
        return 0.0
    gx = cv2.convertScaleAbs(cv2.Sobel(patch, cv2.CV_16S, 1, 0, ksize=3))
    gy = cv2.convertScaleAbs(cv2.Sobel(patch, cv2.CV_16S, 0, 1, ksize=3))
    k = max(3, int(qr_px * 0.6)) | 1
    return float(cv2.boxFilter(cv2.add(gx, gy), cv2.CV_32F, (k, k)).max())


LOCAL_CONTRAST_SHARE = 0.01  # the neighbourhood of local_contrast, a share of the photo's side
UPSAMPLE_MAX_PX = 1_500_000  # photos up to this many pixels are also read at twice the size


def local_contrast(gray: np.ndarray, share: float = LOCAL_CONTRAST_SHARE) -> np.ndarray:
    """Each pixel against the mean and spread of its neighbourhood (a Gaussian ``share`` of
    the photo's longer side): evens out a glare spot's halo and a dim corner alike."""
    sigma = max(2.0, share * max(gray.shape))
    f = gray.astype(np.float32)
    mean = cv2.GaussianBlur(f, (0, 0), sigma)
    spread = np.sqrt(np.maximum(cv2.GaussianBlur((f - mean) ** 2, (0, 0), sigma), 1.0))
    return np.clip(128 + 50 * (f - mean) / spread, 0, 255).astype(np.uint8)


def nothing_read_pass(gray: np.ndarray, deadline: float) -> list[Code]:
    """For a photo where no pass read any code: zxing-cpp on a locally normalised copy
    (both binarisers), pyzbar on the photo and on that copy, then, for a small photo,
    zxing-cpp at twice the size; until one reads something or ``deadline`` passes."""
    attempts = [
        lambda: zxing(local_contrast(gray), "normalised"),
        lambda: zxing(local_contrast(gray), "normalised/global", GLOBAL),
        lambda: zbar(gray, "whole/zbar"),
        lambda: zbar(local_contrast(gray), "normalised/zbar"),
    ]
    if gray.size <= UPSAMPLE_MAX_PX:
        m = np.array([[0.5, 0, 0], [0, 0.5, 0], [0, 0, 1]])
        big = cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        attempts.append(lambda: to_photo(zxing(big, "upsampled", downscale=False), m))
    for attempt in attempts:
        if time.monotonic() > deadline:
            break
        found = attempt()
        if found:
            return found
    return []


def detected_crop(gray: np.ndarray, found: Detected) -> Code | None:
    """A code zxing-cpp found but could not correct, read again by zxing-cpp on a crop of
    its own (six modules round, upsampled to about five pixels per module): as it is,
    then locally normalised (two modules round), each with both binarisers; then pyzbar
    on the two, as a second opinion."""
    n = found.modules
    module_px = float(np.linalg.norm(np.diff(found.corners, axis=0), axis=1).mean()) / n
    (x0, y0), (x1, y1) = found.corners.min(axis=0), found.corners.max(axis=0)
    box = (
        max(int(x0 - 6 * module_px), 0),
        max(int(y0 - 6 * module_px), 0),
        int(x1 + 6 * module_px) + 1,
        int(y1 + 6 * module_px) + 1,
    )
    up = min(MAX_UPSAMPLE, max(1.0, TARGET_PX_PER_MODULE / module_px))
    crop, m = image_window(gray, box, up)
    normalised = local_contrast(crop, 2 * module_px * up / max(crop.shape))
    for img, method in ((crop, "detected/crop"), (normalised, "detected/normalised")):
        for binarizer in (zxingcpp.Binarizer.LocalAverage, GLOBAL):
            got = zxing(img, method, binarizer, downscale=False)
            if got:
                return to_photo(got, m)[0]
    for img, method in ((crop, "detected/crop/zbar"), (normalised, "detected/normalised/zbar")):
        got = zbar(img, method)
        if got:
            return to_photo(got, m)[0]
    return None
