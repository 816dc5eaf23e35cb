"""Reading a tile's code from its known geometry when a finder pattern is lost to glare.

Every tile's code is the same: a QR symbol ``qr_mm`` square (``tilegen.tile.QR_SIZE_MM``),
of a version fixed by the deployment's base URL (tokens all have one length), stuck on
a board whose homography the markers give. So a crop rectified through the board
already shows the code square, at a known module size, turned only by how askew the
tile was stuck. What is left to find is where it sits and that small turn:

1. **Contrast recovery.** Each pixel is compared with the mean and spread of its
   surroundings (a square about four modules across), with clipped pixels (>= 250) left out of both,
   so the washed-out halo around a glare spot keeps its modules and the clipped core
   says nothing at all.
2. **The code's place.** The function patterns (finders with their separators, the
   timing rows, the alignment pattern, a one-module quiet zone) are matched as a
   template over the crop at a few turns; whatever glare hides costs only its share.
3. **Refinement.** Each finder and alignment pattern that glare left is matched alone
   around where the template put it; an affine map is fitted to those that answer
   (a similarity when only two do).
4. **Sampling.** Every module is read at its centre: dark below its surroundings,
   light above; a module whose centre is clipped is an *erasure*, never a guess.

:func:`scanner.qr_codewords.decode_modules` then corrects errors and erasures with
Reed-Solomon, with the data codewords a tile's text is known to hold (its base URL,
``/t/``, the padding) put in place when the caller gives them. The caller accepts the
text only when it is a tile URL (and one of the tokens it expects, when it gives them).

:func:`read_detected` does the same for any code zxing-cpp found but could not correct,
placed by the corners zxing-cpp gives rather than by a board.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q
from scipy.ndimage import map_coordinates

from . import decode
from .decode import Code
from .qr_codewords import Decoded, decode_modules, structure, version_of

LEVELS = {"L": ERROR_CORRECT_L, "M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}

PX = 4.0  # pixels per module in the rectified crop
CLIPPED = 250  # a pixel this bright is clipped: glare, no information left
TURNS_DEG = tuple(float(t) for t in np.arange(-10.0, 10.1, 2.5))  # how askew a tile may be stuck
MIN_PLACE_SCORE = 0.25  # the template's mean agreement, -1..1, below which there is no code
MIN_PATTERN_SCORE = 0.35  # a finder or alignment pattern that agrees less is not used
WEAK = (0.2, 0.35)  # modules sampled fainter than this are also erased, in turn
# a clipped module is in a glare spot's core when this share of the square CORE_MODULES
# across around it is clipped too
CORE_MODULES, CORE_SHARE = 3, 0.5
DECONV_NSR = 0.008  # the Wiener filter's noise-to-signal ratio for a blurred crop
# after deconvolution, the modules erased round a clipped pixel: within a module (the
# filter rings there), then, when that erases too much, only the clipped ones
DECONV_GUARDS = (int(2 * PX) + 1, 1)


@dataclass
class Grid:
    """Module coordinates (x = column, y = row; a module's centre at +0.5) -> crop pixels."""

    affine: np.ndarray  # 2 x 3
    modules: int

    def to_crop(self, uv: np.ndarray) -> np.ndarray:
        return uv @ self.affine[:, :2].T + self.affine[:, 2]


def recover_contrast(crop: np.ndarray, clipped: np.ndarray, px: float = PX) -> np.ndarray:
    """Local contrast: (pixel - local mean) / local spread, clipped pixels left out and 0."""
    f = crop.astype(np.float32)
    w = (~clipped).astype(np.float32)
    k = (int(4 * px) | 1,) * 2  # about four modules square
    wsum = cv2.blur(w, k) + 1e-3
    mean = cv2.blur(f * w, k) / wsum
    var = cv2.blur((f - mean) ** 2 * w, k) / wsum
    out = (f - mean) / (np.sqrt(np.maximum(var, 0.0)) + 4.0)
    out[clipped] = 0.0
    return out


def envelope_contrast(crop: np.ndarray, px: float = PX, modules: float = 1.25) -> np.ndarray:
    """Local contrast against the midpoint of the local light and dark envelopes (the
    brightest and darkest pixels about ``modules`` modules round), clipped pixels counted
    as the light they at least are: in a glare spot's halo, which lifts dark and light
    modules alike, a dark module stays below the midpoint of its neighbourhood."""
    f = cv2.GaussianBlur(crop.astype(np.float32), (0, 0), 0.25 * px)
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (int(modules * px) | 1,) * 2)
    light, dark = cv2.dilate(f, k), cv2.erode(f, k)
    s = (int(modules * px) | 1,) * 2
    light, dark = cv2.blur(light, s), cv2.blur(dark, s)
    return (f - (light + dark) / 2) / ((light - dark) / 2 + 8.0)


@lru_cache(maxsize=64)
def _template(n: int, turn_deg: float, px: float = PX) -> np.ndarray:
    """The function patterns as +1 (light) / -1 (dark) / 0 (unknown), one quiet module round."""
    st = structure(version_of(n))
    grid = np.zeros((n + 2, n + 2), np.float32)
    grid[0, :] = grid[-1, :] = grid[:, 0] = grid[:, -1] = 1.0
    known = ~np.isnan(st.expected)
    grid[1:-1, 1:-1][known] = np.where(st.expected[known] > 0.5, -1.0, 1.0)
    big = np.kron(grid, np.ones((int(px), int(px)), np.float32))
    if turn_deg:
        c = (big.shape[1] / 2, big.shape[0] / 2)
        rot = cv2.getRotationMatrix2D(c, turn_deg, 1.0)
        big = cv2.warpAffine(big, rot, big.shape[::-1], flags=cv2.INTER_NEAREST)
    return big


def place(norm: np.ndarray, n: int, px: float = PX) -> tuple[Grid, float] | None:
    """The code's place and turn in the crop by template matching (on a copy at half the
    scale: the refinement does the rest); None if nothing fits."""
    half = cv2.resize(norm, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    best = None
    for turn in TURNS_DEG:
        t = _template(n, turn, px / 2)
        if t.shape[0] > half.shape[0] or t.shape[1] > half.shape[1]:
            return None
        score = cv2.matchTemplate(half, t, cv2.TM_CCORR) / float(np.abs(t).sum())
        _, peak, _, (x, y) = cv2.minMaxLoc(score)
        if best is None or peak > best[0]:
            best = (peak, turn, 2 * x + t.shape[1], 2 * y + t.shape[0])
    peak, turn, cx, cy = best
    if peak < MIN_PLACE_SCORE:
        return None
    # OpenCV turns the template counter-clockwise for a positive angle (y down)
    a = np.radians(-turn)
    rot = px * np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    offset = np.array([cx, cy]) - rot @ np.array([n / 2, n / 2])
    return Grid(np.column_stack([rot, offset]), n), float(peak)


def _patterns(n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each finder (with separator) and alignment pattern: its modules' centres (u, v)
    and their expected sign (+1 light, -1 dark)."""
    st = structure(version_of(n))
    boxes = [(0, 0, 8), (0, n - 8, 8), (n - 8, 0, 8)]  # (row, column, side) in modules
    if st.version >= 2:
        a = n - 7
        boxes.append((a - 2, a - 2, 5))
    out = []
    for r0, c0, s in boxes:
        rr, cc = np.mgrid[r0 : r0 + s, c0 : c0 + s]
        rr, cc = rr.ravel(), cc.ravel()
        sign = np.where(st.expected[rr, cc] > 0.5, -1.0, 1.0)
        out.append((np.column_stack([cc + 0.5, rr + 0.5]), sign))
    return out


def _sample(img: np.ndarray, pts: np.ndarray) -> np.ndarray:
    return map_coordinates(img, [pts[:, 1], pts[:, 0]], order=1, mode="constant", cval=0.0)


def refine(norm: np.ndarray, clipped: np.ndarray, grid: Grid, reach: float = 1.5) -> Grid:
    """Each visible finder and alignment pattern matched alone (shifts up to ``reach``
    modules); an affine map fitted to those that agree, a similarity to two, else ``grid``."""
    src, dst = [], []
    steps = np.arange(-reach, reach + 0.01, 0.25)
    shifts = np.stack(np.meshgrid(steps, steps), axis=-1).reshape(-1, 1, 2)
    scale = float(np.linalg.norm(grid.affine[:, 0]))
    clip_f = clipped.astype(np.float32)
    for uv, sign in _patterns(grid.modules):
        px = grid.to_crop(uv)
        if _sample(clip_f, px).mean() > 0.3:
            continue
        tried = (px[None] + scale * shifts).reshape(-1, 2)
        scores = (_sample(norm, tried).reshape(len(shifts), -1) * sign).mean(axis=1)
        k = int(np.argmax(scores))
        if scores[k] >= MIN_PATTERN_SCORE:
            src.append(uv.mean(axis=0))
            dst.append(px.mean(axis=0) + scale * shifts[k, 0])
    if len(src) >= 3:
        affine, _ = cv2.estimateAffine2D(np.array(src), np.array(dst), method=cv2.LMEDS)
    elif len(src) == 2:
        affine, _ = cv2.estimateAffinePartial2D(np.array(src), np.array(dst), method=cv2.LMEDS)
    else:
        return grid
    return grid if affine is None else Grid(affine, grid.modules)


def sample_modules(norm: np.ndarray, clipped: np.ndarray, grid: Grid):
    """(values, hit, core) for every module: the local contrast at its centre (a little
    smoothed; negative is dark), whether its centre is clipped, and whether it lies in a
    glare spot's core, where nearly everything around is clipped too.

    Clipping only says a pixel is at least so bright: in a spot's rim, where the dark
    modules around still show, a clipped module is most likely a light one.
    """
    n = grid.modules
    rr, cc = np.mgrid[0:n, 0:n]
    pts = grid.to_crop(np.column_stack([cc.ravel() + 0.5, rr.ravel() + 0.5]))
    smooth = cv2.GaussianBlur(norm, (0, 0), 0.3 * PX)
    values = _sample(smooth, pts).reshape(n, n)
    clip_f = clipped.astype(np.float32)
    hit = _sample(clip_f, pts).reshape(n, n) > 0.25
    around = cv2.blur(clip_f, (int(CORE_MODULES * PX) | 1,) * 2)
    core = hit & (_sample(around, pts).reshape(n, n) >= CORE_SHARE)
    return values, hit, core


def read_grid(
    norm: np.ndarray,
    clipped: np.ndarray,
    n: int,
    known: tuple[dict[int, int], ...] = (),
    levels: tuple[int, ...] = (ERROR_CORRECT_M,),
    reach: float = 1.5,
) -> tuple[Decoded, Grid] | None:
    """Find, sample and decode one code of ``n`` modules in a contrast-recovered crop.

    Tried in turn, Reed-Solomon judging each: every clipped module erased; only the
    spot's core erased and its rim read as light; then, with every clipped module
    erased, the faintest modules erased too (:data:`WEAK`); then every module next to a
    clipped one erased as well. Each with the codewords of
    each ``known`` (:func:`scanner.qr_codewords.known_codewords`) in place, then without.
    The grid refined on the finder and alignment patterns first, then as the template
    placed it (blur and ink spread can pull a pattern's best match a little aside).
    ``levels``: the error-correction levels to try (a tile's code is always at M);
    ``reach``: how far (modules) a pattern may lie from where the template put it.
    """
    placed = place(norm, n)
    if placed is None:
        return None
    refined = refine(norm, clipped, placed[0], reach)
    for grid in (refined, placed[0]) if refined is not placed[0] else (refined,):
        got = _decode_sampled(norm, clipped, grid, known, levels)
        if got is not None:
            return got, grid
    return None


def _decode_sampled(norm, clipped, grid: Grid, known, levels) -> Decoded | None:
    """The modules at ``grid``, decoded in the turns :func:`read_grid` lists."""
    values, hit, core = sample_modules(norm, clipped, grid)
    rim = np.where(hit & ~core, 1.0, values)
    attempts = [(values, hit), (rim, core)]
    attempts += [(values, hit | (np.abs(values) < weak)) for weak in WEAK]
    if hit.any():  # the modules next to a clipped one sit in its halo: erased too
        attempts.append((values, cv2.dilate(hit.astype(np.uint8), np.ones((3, 3))) > 0))
    for v, erased in attempts:
        for fill in (*known, None):
            got = decode_modules(v < 0, erased, levels, known=fill, sureness=np.abs(v))
            if got is not None:
                return got
    return None


def read_on_board(
    gray: np.ndarray,
    h: np.ndarray,
    window_mm: tuple[float, float, float, float],
    qr_mm: float,
    sizes: tuple[int, ...],
    accept: Callable[[str], bool],
    kernel: np.ndarray | None = None,
    known: Callable[[int], tuple[dict[int, int], ...]] = lambda n: (),
) -> Code | None:
    """A code read from its known geometry in a board window (mm), or None.

    ``h`` is the board's homography (mm -> photo px); ``sizes`` the module counts to try;
    ``accept`` says whether a decoded text is a tile this scan may report; ``kernel``, the
    blur measured nearby (a 2-D point-spread function in photo pixels) when it is large
    against a module, is undone first (Wiener filter), and the plain crop tried after;
    ``known`` gives, for a module count, the codewords a tile's text is known to hold.
    """
    for n in sizes:
        ppm = PX * n / qr_mm
        crop, m = decode.warp_board_window(gray, h, *window_mm, ppm)
        clipped = crop >= CLIPPED
        got = None
        if kernel is not None:
            sharp, _ = decode.deblurred_board_window(gray, h, window_mm, ppm, kernel, DECONV_NSR)
            # the filter rings around a clipped spot: what it touches is erased, then, when
            # that erases too much, only what is clipped
            for guard in DECONV_GUARDS:
                near = cv2.dilate(clipped.astype(np.uint8), np.ones((guard, guard))) > 0
                got = read_grid(recover_contrast(sharp, near), near, n, known(n))
                if got is not None or not clipped.any():
                    break
        if got is None:
            got = read_grid(recover_contrast(crop, clipped), clipped, n, known(n))
        if got is None or not accept(got[0].text):
            continue
        decoded, grid = got
        corners = grid.to_crop(np.array([[0, 0], [n, 0], [n, n], [0, n]], np.float64))
        filled = f", {decoded.known} known" if decoded.known else ""
        method = f"known-grid/rs ({decoded.erasures} erased, {decoded.errors} corrected{filled})"
        code = Code(decoded.text, corners, method, n)
        return decode.to_photo([code], m)[0]
    return None


DETECTED_MARGIN = 3  # modules of the photo kept round a detected code's corners
DETECTED_REACH = 3.0  # modules a detected code's pattern may lie from zxing-cpp's corners


def read_detected(gray: np.ndarray, found: decode.Detected) -> Code | None:
    """A code zxing-cpp found but could not correct (glare over its data, most often),
    read again on its own corners: rectified, contrast recovered, clipped modules erased,
    at the level its format information gave. Any QR code, not only a tile's.

    The bottom-right corner is the one zxing-cpp estimates (no finder there), and when
    glare hides the alignment pattern it can be modules out: the code is rectified
    through all four corners, then through the other three (an affine map)."""
    n, m = found.modules, DETECTED_MARGIN
    module_px = float(np.linalg.norm(np.diff(found.corners, axis=0), axis=1).mean()) / n
    (x0, y0), (x1, y1) = found.corners.min(axis=0), found.corners.max(axis=0)
    x0, y0 = (max(int(v - (m + 1) * module_px), 0) for v in (x0, y0))
    x1, y1 = int(x1 + (m + 1) * module_px) + 1, int(y1 + (m + 1) * module_px) + 1
    patch = gray[y0:y1, x0:x1]
    if module_px > 2 * PX:  # shrinking: smoothed first, or the modules alias
        patch = cv2.GaussianBlur(patch, (0, 0), 0.35 * module_px / PX)
    square = (np.array([[0, 0], [n, 0], [n, n], [0, n]], np.float32) + m) * PX
    corners = (found.corners - [x0, y0]).astype(np.float32)
    three = cv2.getAffineTransform(square[[0, 1, 3]], corners[[0, 1, 3]])
    for to_patch in (cv2.getPerspectiveTransform(square, corners), np.vstack([three, [0, 0, 1]])):
        code = _read_rectified(patch, to_patch, n, LEVELS[found.level])
        if code is not None:
            shift = np.array([[1, 0, x0], [0, 1, y0], [0, 0, 1]], np.float64)
            return decode.to_photo([code], shift @ to_patch)[0]
    return None


def _read_rectified(patch: np.ndarray, to_patch: np.ndarray, n: int, level: int) -> Code | None:
    """A code of ``n`` modules read in ``patch`` rectified through ``to_patch`` (crop ->
    patch); its corners in crop pixels."""
    size = int((n + 2 * DETECTED_MARGIN) * PX)
    crop = cv2.warpPerspective(
        patch,
        to_patch,
        (size, size),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    clipped = crop >= CLIPPED
    got = None
    for norm in (recover_contrast(crop, clipped), envelope_contrast(crop)):
        got = read_grid(norm, clipped, n, levels=(level,), reach=DETECTED_REACH)
        if got is not None:
            break
    if got is None:
        return None
    decoded, grid = got
    quad = grid.to_crop(np.array([[0, 0], [n, 0], [n, n], [0, n]], np.float64))
    method = f"detected/rs ({decoded.erasures} erased, {decoded.errors} corrected)"
    return Code(decoded.text, quad, method, n)
