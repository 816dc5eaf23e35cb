"""The quality report: what the photo was like and what would make a retake better."""

from __future__ import annotations

import math

import cv2
import numpy as np

from tilegen.standard import CORNERS

MIN_PX_PER_MODULE = 2.4  # below this, some codes may stay unread
MAX_BLUR_RATIO = 0.5  # blur sigma above half a module blurs modules together
#: The advice when tiles are missing; the web app drops it once a later photo found them.
SECOND_PHOTO = "take a second photo of this board and add it to the scan"
#: How that advice counts the missing tiles (the web app recounts them over the whole scan).
NOT_FOUND = "expected tiles not found"


def blur_sigma(gray: np.ndarray, quads: list[np.ndarray]) -> float | None:
    """Blur in pixels (Gaussian sigma), measured on the sharp black-white edges of markers.

    A step of contrast C blurred by sigma has a steepest slope of C / (sigma * sqrt(2 pi)).
    """
    sigmas = []
    for q in quads:
        x0, y0 = np.maximum(q.min(axis=0).astype(int) - 4, 0)
        x1, y1 = q.max(axis=0).astype(int) + 5
        patch = gray[y0:y1, x0:x1].astype(np.float32)
        if patch.shape[0] < 8 or patch.shape[1] < 8:
            continue
        gx = cv2.Sobel(patch, cv2.CV_32F, 1, 0, ksize=3) / 8
        gy = cv2.Sobel(patch, cv2.CV_32F, 0, 1, ksize=3) / 8
        slope = float(np.percentile(np.hypot(gx, gy), 99.5))
        contrast = float(np.percentile(patch, 95) - np.percentile(patch, 5))
        if slope > 1 and contrast > 30:
            sigmas.append(contrast / (slope * math.sqrt(2 * math.pi)))
    return float(np.median(sigmas)) if sigmas else None


def board_suggestions(report: dict) -> list[str]:
    """Plain-language advice for one board's entry in the report: each names its cause
    with the value measured, and ends with what to do."""
    n, stage = report["markers"], report["stage"]
    out = []
    if report.get("problem"):
        out.append(f"board {stage}: {report['problem']}; retake the photo from straight in front")
    elif n < 4:
        missing = ", ".join(CORNERS[c] for c in report.get("missing_corners", []))
        words = {1: "one marker", 2: "two markers", 3: "three markers"}[n]
        out.append(
            f"board {stage}: only {words} visible ({missing} hidden or out of the photo); "
            "step back so all four corners are in the photo, and move anything in front of them"
        )
    ppm = report.get("px_per_module")
    if ppm is not None and ppm < MIN_PX_PER_MODULE:
        out.append(
            f"board {stage}: codes are small ({ppm:.1f} pixels per module); move closer "
            "or photograph fewer boards at once"
        )
    angle = report.get("view_angle_deg")
    missing = _missing(report)
    if angle is not None and (angle > STEEP_DEG or (missing and angle > 30)):
        out.append(
            f"board {stage}: photographed at a steep angle ({angle:.0f}° from straight on); "
            "stand more in front of the board"
        )
    out += _blur_advice(report, ppm, missing)
    glare = report.get("glare")
    if glare:
        what = (
            f"{glare['tiles']} tile{'s' if glare['tiles'] != 1 else ''}"
            if glare["tiles"]
            else (f"{glare['share_pct']:.0f} % of the board")
        )
        out.append(
            f"board {stage}: glare on {what} near the {glare['where']}: tilt the phone "
            "or turn off the light above"
        )
    if missing:
        out.append(f"board {stage}: {missing}; {SECOND_PHOTO}")
    if report.get("uncertain"):
        out.append(
            f"board {stage}: {report['uncertain']} tile(s) could not be placed with "
            "certainty; retake with all four markers visible"
        )
    return out


def _missing(report: dict) -> str | None:
    """'2 of 12 expected tiles not found', or '1 code seen but not read', or None."""
    expected, found = report.get("codes_expected"), report.get("codes_found_expected")
    if expected and found is not None and found < expected:
        return f"{expected - found} of {expected} {NOT_FOUND}"
    unread = report.get("unread_codes")
    if unread:
        return f"{unread} code{'s' if unread != 1 else ''} seen but not read"
    return None


def _blur_advice(report: dict, ppm, missing) -> list[str]:
    """Movement (a streak: its length and direction) or focus (a round blur)."""
    stage, psf = report["stage"], report.get("psf")
    if psf and psf["length_px"] >= STREAK_PX and ppm and (missing or psf["length_px"] > 1.2 * ppm):
        return [
            f"board {stage}: the photo is blurred by movement (a {psf['length_px']:.1f} px "
            f"streak at {psf['angle_deg']:.0f}°); hold the phone still, or rest it on something"
        ]
    blur = (psf or {}).get("sigma_px") or report.get("blur_px")
    if blur is not None and ppm and blur > MAX_BLUR_RATIO * ppm:
        return [
            f"board {stage}: the photo is out of focus (blur {blur:.1f} px against "
            f"{ppm:.1f} px modules); hold the phone still and tap to focus"
        ]
    return []


GLARE_LEVEL = 250  # a pixel this bright is clipped, or nearly
GLARE_SURROUND = 244  # ... and glare when its whole neighbourhood is that bright too
STEEP_DEG = 45.0  # beyond this angle from straight on, far codes shrink and smear
STREAK_PX = 1.5  # a fitted streak this long is worth naming as movement
ASSUMED_HFOV_DEG = 65.0  # a phone's main camera, when the board does not say


def glare_mask(small: np.ndarray, qr_px: float) -> np.ndarray | None:
    """Glare on a downscaled photo: clipped pixels whose surroundings (about a code across)
    are clipped too. White paper is bright, but the tiles' dark print and the board around
    them keep its surroundings darker; a specular spot washes everything out."""
    sat = small >= GLARE_LEVEL
    if np.count_nonzero(sat) < 0.05 * qr_px * qr_px:
        return None
    # the surroundings, on a copy four times smaller (a code across is plenty of pixels)
    tiny = cv2.resize(small, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    tiny = cv2.GaussianBlur(tiny, (0, 0), max(1.0, qr_px / 12))
    size = (small.shape[1], small.shape[0])
    surround = cv2.resize(tiny, size, interpolation=cv2.INTER_LINEAR) >= GLARE_SURROUND
    core = (sat & surround).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(core, connectivity=8)
    keep = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= 0.05 * qr_px * qr_px]
    if not keep:
        return None
    mask = np.isin(labels, keep).astype(np.uint8)
    # glare washes out the code around the clipped core too
    k = max(3, int(qr_px / 2)) | 1
    return cv2.dilate(mask, np.ones((k, k), np.uint8)) > 0


def where_on_board(x_mm: float, y_mm: float, width_mm: float, height_mm: float) -> str:
    """'top right', 'bottom', 'middle'...: a board point in plain words (thirds)."""
    row = ("top", "middle", "bottom")[min(2, max(0, int(3 * y_mm / height_mm)))]
    col = ("left", "centre", "right")[min(2, max(0, int(3 * x_mm / width_mm)))]
    if row == "middle":
        return "middle" if col == "centre" else col
    return row if col == "centre" else f"{row} {col}"


def view_angle_deg(h: np.ndarray, size: tuple[int, int]) -> float:
    """How far from straight on the board was photographed, in degrees.

    The board's homography is K [r1 r2 t]; the focal length is recovered from r1 and r2
    being orthogonal and of equal length (principal point at the centre), or assumed
    (a phone's main camera) when the view is too square-on to tell.
    """
    w, hh = size
    t = np.array([[1, 0, -w / 2], [0, 1, -hh / 2], [0, 0, 1]])
    m = t @ h
    m = m / np.linalg.norm(m[:, 0])
    (a1, a2, a3), (b1, b2, b3) = m[:, 0], m[:, 1]
    f = (w / 2) / math.tan(math.radians(ASSUMED_HFOV_DEG) / 2)
    estimates = []
    if abs(a3 * b3) > 1e-12:
        estimates.append(-(a1 * b1 + a2 * b2) / (a3 * b3))
    if abs(a3**2 - b3**2) > 1e-12:
        estimates.append(-(a1**2 + a2**2 - b1**2 - b2**2) / (a3**2 - b3**2))
    good = [math.sqrt(e) for e in estimates if e > 0 and 0.4 * w < math.sqrt(e) < 4 * w]
    if good and max(abs(a3), abs(b3)) * w > 0.05:  # enough perspective to measure f
        f = float(np.median(good))
    k_inv = np.diag([1 / f, 1 / f, 1.0])
    r1, r2 = k_inv @ m[:, 0], k_inv @ m[:, 1]
    n = np.cross(r1 / np.linalg.norm(r1), r2 / np.linalg.norm(r2))
    return math.degrees(math.acos(min(1.0, abs(n[2]) / np.linalg.norm(n))))
