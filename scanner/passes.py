"""Decoding passes 1a to 3 over one photo (pass 1, zxing-cpp on the whole photo, is
:func:`scanner.decode.zxing`); see :mod:`scanner.decode` for what each pass does.

1a. :func:`detected_pass`: codes zxing-cpp found but could not correct under glare,
   read on their own corners with clipped modules erased.
2. :func:`blob_pass`: crops around code-like texture that no decoded code explains,
   rectified through a located board where one lies under them.
2b. :func:`grid_pass`: code-like regions left unread on a board, from a tile's known
   geometry.
2c. :func:`detected_pass` again, for codes zxing-cpp found that glare did not clip and
   that are still unread (blurred or damaged ones pass 2 did not read).
3. :func:`hint_pass`: overlapping windows over a board while hinted tokens are missing.

Crops are decoded through the ``decode`` module's attributes (``decode.warp_board_window``
and friends), so a test can watch or replace them.
"""

from __future__ import annotations

import time

import numpy as np

from tilegen.payload import parse_tile_url

from . import decode, grid_sampler
from .decode import Code
from .known_text import tile_codewords
from .markers import Board
from .psf import Kernel, nearest
from .quality import blur_sigma


def blob_pass(
    gray, small, scale, located, boards, codes, qr_mm, kernels=None, glare=None
) -> tuple[list[Code], list[np.ndarray], list[np.ndarray]]:
    """Pass 2: crops around code-like texture that no decoded code explains.

    ``kernels`` are each board's fitted point-spread functions (stage -> list), used to
    deconvolve; ``glare`` a mask of glare at ``scale``, where a local threshold is tried.
    Returns the codes read; the boxes (photo pixels) of code-like regions that stayed
    unread, for the quality report; and the boxes of every region that looked like a code
    (or part of one, under glare) and stayed unread, for :func:`grid_pass`. ``small`` is
    the photo scaled by ``scale``.
    """
    qr_px = _expected_qr_px(small, scale, located, codes, qr_mm)
    known = [c.corners * scale for c in codes]
    marker_quads = [q * scale for b in boards for q in b.markers.values()]
    refs = [decode.edge_density(small, q, qr_px) for q in known] or [
        decode.edge_density(small, q, qr_px) for q in marker_quads
    ]
    ref = float(np.median(refs)) if refs else None
    blurs = {b.stage: blur_sigma(gray, list(b.markers.values())) for b in located}
    found: list[Code] = []
    unread: list[np.ndarray] = []
    missed: list[np.ndarray] = []
    for x0, y0, x1, y1, peak in decode.texture_blobs(small, qr_px, ref):
        box = np.array([x0, y0, x1, y1], np.float64)
        x0, y0, x1, y1 = (int(v) for v in (x0, y0, x1, y1))
        if _explained(box, known + marker_quads + [c.corners * scale for c in found]):
            continue
        glared = glare is not None and bool(glare[y0 : y1 + 1, x0 : x1 + 1].any())
        full = box / scale
        likely = _code_like(box, peak, qr_px, ref, glared, LIKELY)
        got = _decode_region(
            gray, full, located, qr_mm, qr_px / scale, blurs, kernels, glared, likely
        )
        found += got
        if not got and likely:
            missed.append(full)
        if not got and _code_like(box, peak, qr_px, ref, glared, UNREAD):
            unread.append(full)
    return found, unread, missed


# What a code's texture region looks like, as shares of a code's side and of the edge
# density of codes read (or markers): (least density, smallest side, largest side,
# longest/shortest). LIKELY gates the costly deblurring and thresholding; UNREAD,
# stricter, counts a region left unread as a code in the quality report. Under glare,
# what is left of a tile (a corner of its code, its lettering) is enough: GLARED.
LIKELY = (0.7, 0.5, 3.2, 3.0)
UNREAD = (0.75, 0.6, 2.5, 2.2)
GLARED = (0.4, 0.25, 3.2, 99.0)


def _code_like(box: np.ndarray, peak: float, qr_px: float, ref, glared: bool, limits) -> bool:
    """True when a texture region looks like a code (about a code's size, square, dense)
    rather than a tile's lettering, a heading or a pen line; under glare, part of one will do."""
    density, smallest, largest, aspect = GLARED if glared else limits
    w, h = box[2] - box[0], box[3] - box[1]
    if ref is not None and peak < density * ref:
        return False
    small, big = min(w, h), max(w, h)
    return smallest * qr_px <= small and big <= largest * qr_px and big < aspect * small


def _expected_qr_px(small, scale, located, codes, qr_mm) -> float:
    """A code's side in pixels of the scaled copy ``small``: from the boards, else the codes."""
    if located:
        qr_px = min(b.px_per_mm() for b in located) * qr_mm * scale
    elif codes:
        qr_px = min(c.side_px for c in codes) * scale
    else:
        qr_px = 0.015 * max(small.shape)
    return max(qr_px, 12.0)


def _explained(box: np.ndarray, quads: list[np.ndarray]) -> bool:
    """True when most of ``box`` is covered by already known codes or markers."""
    area = max((box[2] - box[0]) * (box[3] - box[1]), 1.0)
    covered = 0.0
    for q in quads:
        qx0, qy0 = q.min(axis=0)
        qx1, qy1 = q.max(axis=0)
        pad = 0.25 * (qx1 - qx0)
        w = min(box[2], qx1 + pad) - max(box[0], qx0 - pad)
        h = min(box[3], qy1 + pad) - max(box[1], qy0 - pad)
        if w > 0 and h > 0:
            covered += w * h
    return covered > 0.6 * area


def _decode_region(
    gray, box, located, qr_mm, qr_px_full, blurs, kernels, glared, likely=True
) -> list[Code]:
    """Decode one region: rectified through its board when it lies on one, else upsampled."""
    quad = np.array([[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]])
    for b in located:
        mm = b.to_board(quad)
        if b.covers(mm.mean(axis=0), margin=qr_mm):
            # lettering or a pen line, most likely: no kernel deconvolution, no threshold
            near = nearest((kernels or {}).get(b.stage, []), quad.mean(axis=0))
            kernel = near if likely else None
            return _decode_on_board(
                gray, b, mm, qr_mm, blurs.get(b.stage), kernel, glared and likely
            )
    return _decode_off_board(gray, box, qr_px_full)


def _decode_on_board(
    gray, b: Board, mm: np.ndarray, qr_mm: float, blur, kernel: Kernel | None, glared: bool
) -> list[Code]:
    """The region ``mm`` (board mm) rectified at about five pixels per module.

    When the blur there is large against the modules, the photo around the region is
    deconvolved with the kernel of the nearest marker, then with a round Gaussian of the
    blur measured on the marker edges, and rectified again; when the kernel is a clear
    streak, it comes before the plain crop. Under glare, a local threshold is tried last.
    """
    module_mm = qr_mm / decode.DEFAULT_MODULES
    window = _window(mm, qr_mm)
    module_px = b.px_per_mm_at(mm.mean(axis=0)) * module_mm
    least = decode.DEBLUR_MIN_BLUR_RATIO * module_px
    attempts = [lambda: _plain(gray, b, window, module_mm)]
    if kernel is not None and kernel.spread_px >= least:
        streak = kernel.length_px >= STREAK_MODULES * module_px
        deconvolved = lambda: _deconvolved(gray, b, window, module_mm, kernel)  # noqa: E731
        attempts.insert(0 if streak else 1, deconvolved)
    if blur and blur >= least:
        attempts.append(lambda: _deblurred(gray, b, window, module_mm, blur))
    if glared:
        attempts.append(lambda: _thresholded(gray, b, window, module_mm, kernel))
    for attempt in attempts:
        codes = attempt()
        if codes:
            return codes
    return []


def _window(mm: np.ndarray, qr_mm: float) -> tuple:
    """The board window (mm) around a region, with room for a whole code."""
    pad = 0.35 * qr_mm
    (x0, y0), (x1, y1) = mm.min(axis=0) - pad, mm.max(axis=0) + pad
    return (x0, y0, x1, y1)


STREAK_MODULES = 0.5  # a streak this long against a module: deconvolve before the plain crop


def _plain(gray, b: Board, window, module_mm) -> list[Code]:
    ppm = min(decode.TARGET_PX_PER_MODULE / module_mm, decode.MAX_UPSAMPLE * b.px_per_mm())
    crop, m = decode.warp_board_window(gray, b.h, *window, ppm)
    return decode.to_photo(decode.decode_crop(crop, ppm / b.px_per_mm(), bool), m)


def _deconvolved(gray, b: Board, window, module_mm, kernel: Kernel) -> list[Code]:
    """Wiener deconvolution with the fitted kernel, a few noise levels in turn."""
    ppm = min(decode.DEBLUR_PX_PER_MODULE / module_mm, decode.MAX_UPSAMPLE * b.px_per_mm())
    image = kernel.image()
    for nsr in decode.KERNEL_NSR:
        crop, m = decode.deblurred_board_window(gray, b.h, window, ppm, image, nsr)
        codes = decode.to_photo(decode.decode_deblurred(crop, bool), m)
        if codes:
            for c in codes:
                c.method = "psf/" + c.method
            return codes
    return []


def _deblurred(gray, b: Board, window, module_mm, blur: float) -> list[Code]:
    """Wiener deblurring for a round Gaussian of the measured blur, five strengths in turn."""
    ppm = min(decode.DEBLUR_PX_PER_MODULE / module_mm, decode.MAX_UPSAMPLE * b.px_per_mm())
    for share, k in decode.DEBLUR_SETTINGS:
        crop, m = decode.deblurred_board_window(gray, b.h, window, ppm, share * blur, k)
        codes = decode.to_photo(decode.decode_deblurred(crop, bool), m)
        if codes:
            return codes
    return []


def _thresholded(gray, b: Board, window, module_mm, kernel: Kernel | None) -> list[Code]:
    """A local threshold over the rectified crop (deconvolved gently first when a kernel
    was measured): what glare left of the code."""
    ppm = min(decode.DEBLUR_PX_PER_MODULE / module_mm, decode.MAX_UPSAMPLE * b.px_per_mm())
    if kernel is not None:
        image = kernel.image()
        crop, m = decode.deblurred_board_window(gray, b.h, window, ppm, image, decode.GLARE_NSR)
    else:
        crop, m = decode.warp_board_window(gray, b.h, *window, ppm)
    for modules in decode.GLARE_BLOCKS:
        binary = decode.local_threshold(crop, module_mm * ppm, modules)
        codes = decode.zxing(binary, "glare/local-threshold", decode.GLOBAL, False)
        codes = codes or decode.zbar(binary, "glare/local-threshold/zbar")
        if codes:
            return decode.to_photo(codes, m)
    return []


def _decode_off_board(gray, box, qr_px_full: float) -> list[Code]:
    """A region on no located board: the plain crop, upsampled to about five px per module."""
    pad = 0.5 * qr_px_full
    x0, y0 = max(int(box[0] - pad), 0), max(int(box[1] - pad), 0)
    x1, y1 = min(int(box[2] + pad), gray.shape[1]), min(int(box[3] + pad), gray.shape[0])
    if x1 - x0 < 8 or y1 - y0 < 8:
        return []
    up = float(
        np.clip(
            decode.TARGET_PX_PER_MODULE * decode.DEFAULT_MODULES / qr_px_full,
            1.0,
            decode.MAX_UPSAMPLE,
        )
    )
    crop, m = decode.image_window(gray, (x0, y0, x1, y1), up)
    return decode.to_photo(decode.decode_crop(crop, up, bool), m)


def detected_pass(
    gray, failed: list[decode.Detected], codes, deadline, glared: bool = True
) -> list[Code]:
    """Pass 1a: codes zxing-cpp found on the whole photo but could not correct, read again
    on their own corners with clipped modules erased (:func:`grid_sampler.read_detected`),
    until ``deadline``. Only where glare clipped some of the code (a blurred code is
    pass 2's, which deblurs it); each place once. With ``glared`` False (pass 2c, after
    the others), only the codes glare did not clip that are still unread."""
    found: list[Code] = []
    tried: list[np.ndarray] = []
    for d in failed:
        box = np.concatenate([d.corners.min(axis=0), d.corners.max(axis=0)])
        if time.monotonic() > deadline or _explained(box, [c.corners for c in codes + found]):
            continue
        if _explained(box, tried) or _clipped(gray, box, d.modules) != glared:
            continue
        tried.append(d.corners)
        code = decode.detected_crop(gray, d) or grid_sampler.read_detected(gray, d)
        if code is not None:
            found.append(code)
    return found


CLIPPED_MODULES = 2.0  # a code with less clipped than this many modules' area is not glared


def _clipped(gray: np.ndarray, box: np.ndarray, modules: int) -> bool:
    """True when glare clipped at least :data:`CLIPPED_MODULES` modules' area in ``box``."""
    x0, y0 = np.maximum(box[:2].astype(int), 0)
    x1, y1 = box[2:].astype(int) + 1
    module_px = max(x1 - x0, y1 - y0) / modules
    clipped = np.count_nonzero(gray[y0:y1, x0:x1] >= grid_sampler.CLIPPED)
    return clipped >= CLIPPED_MODULES * module_px**2


def hint_pass(gray, located, codes, hints, qr_mm, base_url, deadline) -> list[Code]:
    """Pass 3: overlapping windows over a board while hinted tokens are still missing,
    until they are all found or the photo's time (``deadline``, monotonic) is up."""
    found: list[Code] = []
    have = {parse_tile_url(c.text, base_url) for c in codes}
    module_mm = qr_mm / decode.DEFAULT_MODULES
    for b in located:
        g, win, step = b.geometry, 3.0 * qr_mm, 1.8 * qr_mm
        ppm = min(decode.TARGET_PX_PER_MODULE / module_mm, decode.MAX_UPSAMPLE * b.px_per_mm())
        up = ppm / b.px_per_mm()
        windows = (
            (x, y)
            for y in np.arange(0, max(g.height_mm - win, 0) + step, step)
            for x in np.arange(0, max(g.width_mm - win, 0) + step, step)
        )
        for x, y in windows:
            if not hints.get(b.stage, set()) - have or time.monotonic() > deadline:
                break
            crop, m = decode.warp_board_window(gray, b.h, x, y, x + win, y + win, ppm)
            for c in decode.to_photo(decode.decode_crop(crop, up, bool), m):
                c.method = "hint-window/" + c.method
                found.append(c)
                have.add(parse_tile_url(c.text, base_url))
    return found


GRID_PAD = 0.6  # the grid pass's window reaches this share of a code beyond the region
DEBLUR_SPREAD = 0.25  # deblur when the kernel's spread is this share of a module


def grid_pass(
    gray, located, missed, codes, accept, deadline, kernels=None, base_url=None
) -> list[Code]:
    """Pass 2b: regions that looked like a code and stayed unread, sampled from the
    known geometry of a tile's code (:mod:`scanner.grid_sampler`), until ``deadline``.

    ``accept`` says whether a decoded text is a tile this scan may report. The module
    count and the code's printed size come from tile codes already read in the photo
    (other codes, a poster say, are no guide), else from the tile standard. ``kernels``
    (stage -> fitted point-spread functions) deblur a region whose blur is large against
    its modules, as in pass 2. The text before the token, known from ``base_url`` or from
    the tiles read, puts most of the data codewords in place before Reed-Solomon.
    """
    tiles = [c for c in codes if accept(c.text)]
    sizes = _module_counts(tiles)
    known = tile_codewords(tiles, base_url)
    qr_mm = printed_qr_mm(tiles, located)
    found: list[Code] = []
    for box in missed:
        if time.monotonic() > deadline:
            break
        quad = np.array([[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]])
        if _explained(box, [c.corners for c in codes + found]):
            continue
        for b in located:
            mm = b.to_board(quad)
            if not b.covers(mm.mean(axis=0), margin=qr_mm):
                continue
            pad = GRID_PAD * qr_mm
            (x0, y0), (x1, y1) = mm.min(axis=0) - pad, mm.max(axis=0) + pad
            kernel = nearest((kernels or {}).get(b.stage, []), quad.mean(axis=0))
            module_px = b.px_per_mm_at(mm.mean(axis=0)) * qr_mm / sizes[0]
            blurred = kernel is not None and kernel.spread_px >= DEBLUR_SPREAD * module_px
            image = kernel.image() if blurred else None
            window = (x0, y0, x1, y1)
            code = grid_sampler.read_on_board(gray, b.h, window, qr_mm, sizes, accept, image, known)
            if code is not None:
                found.append(code)
            break
    return found


def still_unread(unread: list[np.ndarray], codes: list[Code]) -> list[np.ndarray]:
    """The unread regions (photo-pixel boxes) that no code read since explains."""
    return [u for u in unread if not _explained(u, [c.corners for c in codes])]


def _module_counts(tiles: list[Code]) -> tuple[int, ...]:
    """Module counts of the tile codes read so far, most common first; else the default."""
    counts: dict[int, int] = {}
    for c in tiles:
        counts[c.modules] = counts.get(c.modules, 0) + 1
    return tuple(sorted(counts, key=lambda k: -counts[k])) or (decode.DEFAULT_MODULES,)


def printed_qr_mm(tiles: list[Code], located: list[Board]) -> float:
    """The printed side of the codes read on the boards (median), else the standard's."""
    sides = []
    for c in tiles:
        for b in located:
            mm = b.to_board(c.corners)
            if b.covers(mm.mean(axis=0)):
                sides.append(np.linalg.norm(mm - np.roll(mm, 1, axis=0), axis=1).mean())
    return float(np.median(sides)) if sides else decode.DEFAULT_QR_MM


def dedupe(codes: list[Code]) -> list[Code]:
    """One code per text and place: passes often read the same code twice."""
    out: list[Code] = []
    for c in codes:
        if not any(
            o.text == c.text
            and np.linalg.norm(o.center - c.center) < 0.75 * max(o.side_px, c.side_px)
            for o in out
        ):
            out.append(c)
    return out
