"""The quality report: what the photo was like and what would make a retake better."""

from __future__ import annotations

import math

import cv2
import numpy as np

from tilegen.standard import CORNERS

MIN_PX_PER_MODULE = 2.4  # below this, some codes may stay unread
MAX_BLUR_RATIO = 0.5  # blur sigma above half a module blurs modules together


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
    """Plain-language advice for one board's entry in the report."""
    n, stage = report["markers"], report["stage"]
    out = []
    if report.get("problem"):
        out.append(f"board {stage}: {report['problem']}; retake the photo from straight in front")
    elif n < 4:
        missing = ", ".join(CORNERS[c] for c in report.get("missing_corners", []))
        words = {1: "one marker", 2: "two markers", 3: "three markers"}[n]
        out.append(
            f"board {stage}: only {words} visible ({missing} not seen); step back so all "
            "four corners are in the photo"
        )
    ppm = report.get("px_per_module")
    if ppm is not None and ppm < MIN_PX_PER_MODULE:
        out.append(
            f"board {stage}: codes are small ({ppm:.1f} pixels per module); move closer "
            "or photograph fewer boards at once"
        )
    blur = report.get("blur_px")
    if blur is not None and ppm and blur > MAX_BLUR_RATIO * ppm:
        out.append(f"board {stage}: the photo is blurred; hold the phone still and tap to focus")
    expected, found = report.get("codes_expected"), report.get("codes_found_expected")
    if expected and found is not None and found < expected:
        out.append(
            f"board {stage}: {expected - found} of {expected} expected tiles not found; "
            "retake closer, or check that they are on the board"
        )
    if report.get("uncertain"):
        out.append(
            f"board {stage}: {report['uncertain']} tile(s) could not be placed with "
            "certainty; retake with all four markers visible"
        )
    return out
