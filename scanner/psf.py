"""The blur of a photo, measured on the board's corner markers (the point-spread function).

Every board carries four AprilTags whose exact pattern the scanner knows. For each
marker found, the ideal marker (its cells on a white sticker) is drawn in photo pixels
through the board's homography, supersampled, and a small 2-D kernel is fitted so that
the ideal image blurred by it matches the photo: a straight motion streak (hand shake:
length and direction) convolved with a round Gaussian (focus), with a sub-pixel shift
and a brightness, contrast and lighting slope solved in closed form. The fit starts from
a coarse grid of lengths and directions and is refined by Nelder-Mead (SciPy).

A hand-held photo's blur varies across the board (the phone turns as well as shifts), so
each marker keeps its own kernel and a code region is deblurred with the kernel of the
nearest well-fitted marker (:func:`nearest`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from scipy.optimize import minimize

from tilegen.markers import marker_matrix
from tilegen.standard import MIN_MARKER_MARGIN_MM, marker_id

from .markers import Board

SUPERSAMPLE = 4  # the ideal marker is drawn this much finer, then averaged down
PAD = 9  # pixels around the compared region, for the kernel to reach into
MAX_LENGTH_PX = 12.0  # longer streaks are not fitted (the kernel window is 2 * PAD + 1)
MIN_SIGMA_PX = 0.3
MAX_RESIDUAL = 0.2  # a fit worse than this (rms, as a share of the marker's contrast) is dropped
SHEEN_LEVEL = 250  # a marker touched by saturated pixels is not fitted
KEPT_FREQUENCIES = 0.35  # the share of frequencies compared: where the ideal marker is strongest


@dataclass
class Kernel:
    """A fitted point-spread function: a streak ``length_px`` long at ``angle_deg``
    (counter-clockwise from the photo's rows, as seen), convolved with a Gaussian of
    ``sigma_px``. ``at`` is where it was measured (photo pixels); ``residual`` the rms
    misfit as a share of the marker's contrast."""

    length_px: float
    angle_deg: float
    sigma_px: float
    at: tuple[float, float]
    residual: float
    corner: int | None = None

    @property
    def spread_px(self) -> float:
        """The kernel's standard deviation along the streak: a Gaussian-equivalent size."""
        return math.sqrt(self.length_px**2 / 12 + self.sigma_px**2)

    def image(self, dx: float = 0.0, dy: float = 0.0) -> np.ndarray:
        return kernel_image(self.length_px, self.angle_deg, self.sigma_px, dx, dy)

    def to_json(self) -> dict:
        return {
            "length_px": round(self.length_px, 2),
            "angle_deg": round(self.angle_deg, 1),
            "sigma_px": round(self.sigma_px, 2),
            "residual": round(self.residual, 3),
        }


def kernel_image(
    length: float, angle_deg: float, sigma: float, dx: float = 0.0, dy: float = 0.0
) -> np.ndarray:
    """The kernel on a (2 PAD + 1)^2 grid: Gaussians of ``sigma`` strung along the streak
    no more than a third of a pixel apart, centred at (dx, dy) from the middle."""
    r = PAD
    n = max(1, math.ceil(3 * length)) + 1
    t = np.linspace(-length / 2, length / 2, n) if length > 0 else np.zeros(1)
    a = math.radians(angle_deg)
    px = dx + t * math.cos(a)
    py = dy - t * math.sin(a)
    g = np.arange(-r, r + 1, dtype=np.float64)
    s2 = 2 * max(sigma, MIN_SIGMA_PX) ** 2
    ex = np.exp(-((g[None, :] - px[:, None]) ** 2) / s2)  # n x grid
    ey = np.exp(-((g[None, :] - py[:, None]) ** 2) / s2)
    k = ey.T @ ex  # sum over the samples of outer(ey_i, ex_i)
    return (k / k.sum()).astype(np.float32)


def board_kernels(gray: np.ndarray, board: Board, marker_base: int = 0) -> list[Kernel]:
    """One kernel per marker of a located board that could be fitted well."""
    if not board.located:
        return []
    out = []
    for corner in sorted(board.markers):
        k = marker_kernel(gray, board, corner, marker_base)
        if k is not None and k.residual <= MAX_RESIDUAL:
            out.append(k)
    return out


def nearest(kernels: list[Kernel], p_px) -> Kernel | None:
    """The kernel measured nearest to photo point ``p_px``."""
    if not kernels:
        return None
    return min(kernels, key=lambda k: math.hypot(k.at[0] - p_px[0], k.at[1] - p_px[1]))


def summary(kernels: list[Kernel]) -> Kernel | None:
    """A board's kernel for the report: the median of its markers' kernels (the
    direction is a median of doubled angles, since 0 and 180 degrees are one direction)."""
    if not kernels:
        return None
    dbl = [math.radians(2 * k.angle_deg) for k in kernels]
    w = [k.length_px for k in kernels]
    ang = (
        math.degrees(
            math.atan2(
                sum(wi * math.sin(d) for wi, d in zip(w, dbl, strict=True)),
                sum(wi * math.cos(d) for wi, d in zip(w, dbl, strict=True)),
            )
        )
        / 2
    )
    at = tuple(float(v) for v in np.mean([k.at for k in kernels], axis=0))
    return Kernel(
        float(np.median([k.length_px for k in kernels])),
        ang % 180,
        float(np.median([k.sigma_px for k in kernels])),
        at,
        float(np.median([k.residual for k in kernels])),
    )


def marker_kernel(gray: np.ndarray, board: Board, corner: int, marker_base: int) -> Kernel | None:
    """Fit the kernel on one marker: its photo pixels against its ideal image.

    The fit runs in the frequency domain, where the kernel has a closed form (the
    streak's sinc times the Gaussian's bell times the shift's phase), so each trial
    costs two small array products instead of a convolution. The lowest frequencies
    (the lighting across the marker) and the constant are left out; the contrast is
    solved in closed form.
    """
    pair = _observed_and_ideal(gray, board, corner, marker_base)
    if pair is None:
        return None
    obs, ideal, centre = pair
    contrast = float(np.percentile(obs, 95) - np.percentile(obs, 5))
    if contrast < 30:
        return None
    rows, cols = obs.shape
    fy = np.fft.fftfreq(rows)[:, None]
    fx = np.fft.rfftfreq(cols)[None, :]
    o_full, i_full = np.fft.rfft2(obs), np.fft.rfft2(ideal)
    power = np.abs(i_full) ** 2
    keep = (np.abs(fx) * cols + np.abs(fy) * rows) > 2.5  # drop DC and the lighting
    keep &= power >= np.quantile(power[keep], 1 - KEPT_FREQUENCIES)
    o, i = o_full[keep], i_full[keep]
    fx, fy = np.broadcast_to(fx, keep.shape)[keep], np.broadcast_to(fy, keep.shape)[keep]
    f2 = fx**2 + fy**2
    oo = float((np.abs(o) ** 2).sum())
    (sx, sy), _ = cv2.phaseCorrelate(ideal, obs)  # where the photo sits against the ideal
    ramp = i * np.exp(-2j * np.pi * (fx * sx + fy * sy))

    def cost(p) -> float:
        length, angle, sigma = _unpack(p)
        a = math.radians(angle)
        u = np.pi * length * (fx * math.cos(a) - fy * math.sin(a))  # along the streak, y down
        streak = np.where(np.abs(u) < 1e-6, 1.0, np.sin(u) / np.where(u == 0, 1.0, u))
        m = ramp * (streak * np.exp(-2 * np.pi**2 * sigma**2 * f2))
        mm = float((m.real**2 + m.imag**2).sum())
        cross = float((m.real * o.real + m.imag * o.imag).sum())
        if cross <= 0 or mm <= 0:
            return oo
        return oo - cross * cross / mm

    grid = [[0.0, 0.0, 0.6]] + [
        [length, angle, 0.6] for length in (2.0, 4.0, 6.0) for angle in (0.0, 45.0, 90.0, 135.0)
    ]
    start = min(grid, key=cost)
    fit = minimize(
        cost,
        start,
        method="Nelder-Mead",
        options={
            "maxfev": 150,
            "xatol": 0.03,
            "fatol": 1e-5 * oo,
            "initial_simplex": np.vstack([start, np.asarray(start) + np.diag([1.0, 20.0, 0.4])]),
        },
    )
    length, angle, sigma = _unpack(fit.x)
    if length > MAX_LENGTH_PX:
        return None
    # rms misfit per pixel (Parseval over the half-spectrum kept), as a share of contrast
    rms = math.sqrt(max(fit.fun, 0.0) * 2 / (rows * cols) / (rows * cols)) / contrast
    if length < 0.5:  # too short to tell from focus blur: a round kernel
        length, angle = 0.0, 0.0
    return Kernel(float(length), angle % 180, float(sigma), centre, rms, corner)


def _unpack(p) -> tuple[float, float, float]:
    length, angle, sigma = p
    return abs(length), float(angle) % 180, MIN_SIGMA_PX + abs(sigma - MIN_SIGMA_PX)


def _observed_and_ideal(gray, board: Board, corner: int, marker_base: int):
    """The photo patch around one marker (with its white sticker margin) and the ideal
    marker drawn through the board's homography into the same pixels; and the centre."""
    g = board.geometry
    (mx, my) = g.marker_corners_mm(corner)[0]
    side = g.marker_mm
    m = 0.6 * MIN_MARKER_MARGIN_MM  # the sticker's white margin, less the homography's error
    square = np.array(
        [
            [mx - m, my - m],
            [mx + side + m, my - m],
            [mx + side + m, my + side + m],
            [mx - m, my + side + m],
        ]
    )
    # the marker's own four corners place it: the board's homography, fitted over the
    # whole board, is a pixel or two out at a corner when the lens leaves some distortion
    corners_mm = np.array(g.marker_corners_mm(corner), np.float64)
    local = cv2.getPerspectiveTransform(
        corners_mm.astype(np.float32), board.markers[corner].astype(np.float32)
    ).astype(np.float64)
    quad = cv2.perspectiveTransform(square.reshape(-1, 1, 2).astype(np.float64), local)[:, 0]
    x0, y0 = np.floor(quad.min(axis=0)).astype(int) - PAD
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int) + PAD
    if x0 < 0 or y0 < 0 or x1 > gray.shape[1] or y1 > gray.shape[0] or x1 - x0 > 700:
        return None
    obs = gray[y0:y1, x0:x1].astype(np.float32)
    if (obs >= SHEEN_LEVEL).mean() > 0.002:
        return None  # glare on the marker: the clipped pixels would bend the fit
    cells = np.array(marker_matrix(marker_id(board.stage, corner, marker_base)), bool)
    s = SUPERSAMPLE
    # the ideal in board mm, at (mm_px) px per mm: the square with a white margin around it
    mm_px = s * board.px_per_mm_at(np.array([mx + side / 2, my + side / 2])) * 1.5
    extra = m + 2 * PAD / max(board.px_per_mm(), 0.1)
    size = int(math.ceil((side + 2 * extra) * mm_px))
    flat = np.ones((size, size), np.float32)
    c0 = int(round(extra * mm_px))
    side_px = int(round(side * mm_px))
    dark = cv2.resize(
        (~cells).astype(np.float32), (side_px, side_px), interpolation=cv2.INTER_NEAREST
    )
    flat[c0 : c0 + dark.shape[0], c0 : c0 + dark.shape[1]] = dark
    # flat px -> board mm -> photo px -> supersampled patch px
    flat_to_mm = np.array([[1 / mm_px, 0, mx - extra], [0, 1 / mm_px, my - extra], [0, 0, 1]])
    to_patch = np.array([[s, 0, -s * x0 + (s - 1) / 2], [0, s, -s * y0 + (s - 1) / 2], [0, 0, 1]])
    h = to_patch @ local @ flat_to_mm
    big = cv2.warpPerspective(
        flat, h, ((x1 - x0) * s, (y1 - y0) * s), flags=cv2.INTER_AREA, borderValue=1.0
    )
    ideal = cv2.resize(big, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
    centre = tuple(float(v) for v in board.markers[corner].mean(axis=0))
    return obs, ideal, centre
