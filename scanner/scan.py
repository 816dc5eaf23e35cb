"""The scanner: photos in, tiles placed on boards and zones out (docs/contract.md §3).

``scan_photos`` is the one entry point for the CLI, the web app and the demo. It
loads each photo, locates the boards (:mod:`scanner.markers`), reads the codes in
passes (:mod:`scanner.decode`, :mod:`scanner.passes`), places each tile on a board
and zone here, and reports on the photo's quality (:mod:`scanner.quality`). The
records it returns live in :mod:`scanner.results`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from tilegen.payload import parse_tile_url
from tilegen.standard import BoardGeometry, default_geometries

from . import decode, psf
from .annotate import annotate
from .decode import Code
from .images import Photo, PhotoError, PhotoSource, load_photo, photo_name
from .markers import Board, locate_boards
from .passes import (
    blob_pass,
    dedupe,
    detected_pass,
    grid_pass,
    hint_pass,
    printed_qr_mm,
    still_unread,
)
from .quality import (
    blur_sigma,
    board_suggestions,
    glare_mask,
    view_angle_deg,
    where_on_board,
)
from .results import PhotoScan, ScanResult, Sighting

cv2.setNumThreads(2)
#: The hint search stops this long after a photo's scan began, so no photo takes over 2 s.
HINT_DEADLINE_S = 1.6
MIN_GLARE_PCT = 0.2  # glare on no tile is reported when it covers this much of a board


def scan_photos(
    photos: Iterable[PhotoSource],
    geometries: Mapping[int, BoardGeometry] | None = None,
    marker_base: int = 0,
    hints: Mapping[int, Iterable[str]] | None = None,
    base_url: str | None = None,
    annotate_dir: str | os.PathLike | None = None,
    keep_annotated: bool = False,
    labels: Mapping[str, str] | None = None,
) -> ScanResult:
    """Scan any number of photos. A bad photo is recorded in ``errors``; the rest go on.

    ``annotate_dir`` writes an annotated copy of each photo there; ``keep_annotated``
    keeps them in ``result.annotated`` instead (the web preview stores them). ``labels``
    (token -> what to print beside the tile, e.g. its board code) labels the annotated
    tiles; a tile without one is labelled with its token, board and zone.

    ``hints`` maps a stage number to the tokens expected on that board; the
    scanner then tries harder on that board until they are found.
    ``base_url``, when given, accepts only this deployment's tile URLs.
    """
    geoms = dict(geometries or default_geometries())
    hint_sets = {int(s): {t.upper() for t in toks} for s, toks in (hints or {}).items()}
    result = ScanResult()
    for i, source in enumerate(photos):
        name = photo_name(source, i)
        try:
            photo = load_photo(source, name)
        except PhotoError as exc:
            exc.photo = name
            result.errors.append(exc)
            continue
        scanned = scan_photo(photo, geoms, marker_base, hint_sets, base_url)
        if annotate_dir is not None or keep_annotated:
            _annotate(result, photo, scanned, annotate_dir, keep_annotated, labels)
        del photo
        result.photos.append(scanned)
    return result


def _annotate(
    result: ScanResult, photo: Photo, scanned: PhotoScan, out_dir, keep: bool, labels=None
) -> None:
    """Draw the annotated picture: keep it in ``result``, write it to ``out_dir``, or both."""
    picture = annotate(photo.gray, scanned, labels)
    if keep:
        result.annotated.append((photo.name, picture))
    if out_dir is not None:
        out = Path(out_dir) / f"{Path(photo.name).stem}.annotated.jpg"
        out.parent.mkdir(parents=True, exist_ok=True)
        picture.save(out, "JPEG", quality=85)


def scan_photo(
    photo: Photo, geoms, marker_base: int, hints: dict[int, set[str]], base_url: str | None
) -> PhotoScan:
    """Boards, codes, placed tiles and a quality report for one loaded photo."""
    started = time.monotonic()
    gray = photo.gray
    boards, facts = locate_boards(gray, geoms, marker_base)
    located = [b for b in boards if b.located]
    failed: list[decode.Detected] = []  # found by zxing-cpp, not corrected
    codes = decode.zxing(gray, "whole", failed=failed)
    codes = dedupe(codes + detected_pass(gray, failed, codes, started + HINT_DEADLINE_S))
    qr_mm = printed_qr_mm(codes, located)
    kernels = {b.stage: psf.board_kernels(gray, b, marker_base) for b in located}
    small = _downscaled(gray, facts["scale"])
    glare = _glare(small, facts["scale"], located, qr_mm)
    found, unread, missed = blob_pass(
        gray, small, facts["scale"], located, boards, codes, qr_mm, kernels, glare
    )
    codes = dedupe(codes + found)
    deadline = started + HINT_DEADLINE_S
    accept = _tile_filter(base_url, hints)
    found = grid_pass(gray, located, missed, codes, accept, deadline, kernels, base_url)
    codes = dedupe(codes + found)
    codes = dedupe(codes + detected_pass(gray, failed, codes, deadline, glared=False))
    codes = dedupe(codes + hint_pass(gray, located, codes, hints, qr_mm, base_url, deadline))
    if not codes:
        codes = decode.nothing_read_pass(gray, deadline)
    unread = still_unread(unread, codes)
    sightings, unknown = _sightings(codes, photo.name, located, base_url)
    seen = Seen(sightings, unread, kernels, glare, facts["scale"], photo.size)
    reports = [_board_report(gray, b, seen, hints, qr_mm, photo.name) for b in boards]
    suggestions = _suggestions(reports, boards, sightings)
    return PhotoScan(photo.name, photo.size, boards, sightings, unknown, reports, suggestions)


def _tile_filter(base_url: str | None, hints: dict[int, set[str]]):
    """Whether a text read from a code's known geometry may be reported: a tile URL (of
    this deployment, when ``base_url`` is given) whose token is expected, when the caller
    says which tokens it expects."""
    expected = set().union(*hints.values()) if hints else None

    def accept(text: str) -> bool:
        token = parse_tile_url(text, base_url)
        return token is not None and (expected is None or token in expected)

    return accept


def _sightings(
    codes: list[Code], photo: str, located: list[Board], base_url: str | None
) -> tuple[list[Sighting], list[str]]:
    """Tile codes as placed sightings; the texts of all other codes, as unknown."""
    sightings, unknown = [], []
    for code in codes:
        token = parse_tile_url(code.text, base_url)
        if token is None:
            unknown.append(code.text)
            continue
        s = Sighting(code.text, token, photo, code.corners, code.method)
        _place(s, code, located)
        sightings.append(s)
    return sightings, unknown


def _suggestions(reports: list[dict], boards: list[Board], sightings: list[Sighting]) -> list[str]:
    """Advice for a retake; then drops the report keys that were kept only for the advice."""
    suggestions = [s for r in reports for s in board_suggestions(r)]
    if not boards:
        suggestions.append(
            "no board markers found; include the corner markers of each board"
            if sightings
            else "no boards or tiles found in this photo"
        )
    for r in reports:
        r.pop("missing_corners", None)
        if r.get("problem") is None:
            r.pop("problem", None)
    return suggestions


def _place(s: Sighting, code: Code, located: list[Board]) -> None:
    """Put a sighting on the board under its QR centre, only if every perturbed fit agrees."""
    center = code.center.reshape(1, 2)
    hits = [b for b in located if b.covers(b.to_board(center)[0])]
    if len(hits) != 1:
        return
    b = hits[0]
    x, y = b.to_board(center)[0]
    s.stage, s.x_mm, s.y_mm = b.stage, float(x), float(y)
    places = [cv2.perspectiveTransform(center.reshape(1, 1, 2), hi)[0, 0] for hi in b.samples]
    zones = {b.geometry.zone_at(*p) for p in places} | {b.geometry.zone_at(x, y)}
    if len(zones) == 1 and None not in zones:
        s.zone = zones.pop()
    else:
        s.uncertain = True  # near a zone edge or the board edge: say so rather than guess
        if None in zones:
            s.stage = None


def _downscaled(gray, scale):
    if scale >= 1:
        return gray
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _glare(small, scale, located, qr_mm):
    """The glare mask at ``scale`` (see :func:`scanner.quality.glare_mask`), or None."""
    ppm = min((b.px_per_mm() for b in located), default=2.5)
    return glare_mask(small, max(qr_mm * ppm * scale, 8.0))


@dataclass
class Seen:
    """What one photo showed, for its boards' quality reports."""

    sightings: list[Sighting]
    unread: list[np.ndarray]  # boxes (photo px) of code-like regions that stayed unread
    kernels: dict[int, list[psf.Kernel]]
    glare: np.ndarray | None  # at ``scale``
    scale: float
    size: tuple[int, int]


def _board_report(gray, b: Board, seen: Seen, hints, qr_mm, photo) -> dict:
    """One board's entry in the report (with two keys used only for the suggestions)."""
    sightings = seen.sightings
    on = [s for s in sightings if s.stage == b.stage]
    r = {
        "stage": b.stage,
        "photo": photo,
        "markers": len(b.markers),
        "located": b.located,
        "problem": b.problem,
        "missing_corners": sorted(set(range(4)) - set(b.markers)),
        "codes_found": len(on),
    }
    if b.located:
        r["reprojection_px"] = round(b.rms_px, 2)
        r["px_per_module"] = round(b.px_per_mm() * qr_mm / decode.DEFAULT_MODULES, 2)
        r["view_angle_deg"] = round(view_angle_deg(b.h, seen.size), 1)
    blur = blur_sigma(gray, list(b.markers.values()))
    r["blur_px"] = None if blur is None else round(blur, 2)
    if b.located:
        r.update(_hand_held(b, seen, on))
    if b.stage in hints:
        r["codes_expected"] = len(hints[b.stage])
        r["codes_found_expected"] = len({s.token for s in on} & hints[b.stage])
    r["uncertain"] = sum(1 for s in sightings if s.uncertain and s.stage in (b.stage, None))
    return r


def _hand_held(b: Board, seen: Seen, on: list[Sighting]) -> dict:
    """The measured kernel, code-like regions left unread, and glare, on one board."""
    out: dict = {}
    kernels = seen.kernels.get(b.stage, [])
    kernel = psf.summary(kernels)
    out["psf"] = None if kernel is None else {**kernel.to_json(), "markers": len(kernels)}
    unread = [box for box in seen.unread if _on(b, (box[:2] + box[2:]) / 2)]
    out["unread_codes"] = len(unread)
    if seen.glare is None:
        return out
    ys, xs = np.nonzero(seen.glare)
    pts = np.column_stack([xs, ys]) / seen.scale
    on_board = [_on(b, p) for p in pts[:: max(1, len(pts) // 4000)]]
    if not any(on_board):
        return out
    sample = pts[:: max(1, len(pts) // 4000)][np.array(on_board)]
    centre = b.to_board(sample.mean(axis=0, keepdims=True))[0]
    g = b.geometry
    area_mm2 = len(pts) * sum(on_board) / len(on_board) / (seen.scale * b.px_per_mm()) ** 2
    boxes = [s.corners for s in on] + [np.array([[x0, y0], [x1, y1]]) for x0, y0, x1, y1 in unread]
    tiles = sum(1 for q in boxes if _touches(seen.glare, q * seen.scale))
    share = 100 * area_mm2 / (g.width_mm * g.height_mm)
    if not tiles and share < MIN_GLARE_PCT:
        return out
    out["glare"] = {
        "tiles": tiles,
        "where": where_on_board(*centre, g.width_mm, g.height_mm),
        "share_pct": round(share, 1),
    }
    return out


def _on(b: Board, p_px) -> bool:
    return b.covers(b.to_board(np.asarray(p_px, np.float64).reshape(1, 2))[0])


def _touches(mask: np.ndarray, quad: np.ndarray) -> bool:
    """True when any mask pixel lies in ``quad``'s bounding box."""
    x0, y0 = np.maximum(np.floor(quad.min(axis=0)).astype(int), 0)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int) + 1
    return bool(mask[y0:y1, x0:x1].any())
