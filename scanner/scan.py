"""The scanner: photos in, tiles placed on boards and zones out (CONTRACT §3).

``scan_photos`` is the one entry point for the CLI, the web app and the demo.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from tilegen.payload import parse_tile_url
from tilegen.standard import BoardGeometry, default_geometries

from . import decode
from .decode import Code
from .images import Photo, PhotoError, PhotoSource, load_photo, photo_name
from .markers import Board, locate_boards
from .quality import blur_sigma, board_suggestions

cv2.setNumThreads(2)
#: The hint search stops this long after a photo's scan began, so no photo takes over 2 s.
HINT_DEADLINE_S = 1.6
SAME_PLACE_MM = 60.0  # two sightings of one code closer than this are the same tile


@dataclass
class Sighting:
    payload: str
    token: str | None
    photo: str
    corners: np.ndarray
    method: str
    stage: int | None = None
    zone: str | None = None
    x_mm: float | None = None
    y_mm: float | None = None
    uncertain: bool = False

    def place(self) -> dict:
        return {
            "stage": self.stage,
            "zone": self.zone,
            "x_mm": _r(self.x_mm),
            "y_mm": _r(self.y_mm),
            "photo": self.photo,
        }


def _r(v: float | None) -> float | None:
    return None if v is None else round(float(v), 1)


@dataclass
class PhotoScan:
    """Everything found in one photo, kept small: no pixels."""

    photo: str
    size: tuple[int, int]
    boards: list[Board]
    sightings: list[Sighting]
    unknown: list[str]
    board_reports: list[dict]
    suggestions: list[str]


@dataclass
class ScanResult:
    photos: list[PhotoScan] = field(default_factory=list)
    errors: list[PhotoError] = field(default_factory=list)
    #: (photo name, annotated picture at most 2400 px across), with ``keep_annotated``
    annotated: list[tuple[str, Image.Image]] = field(default_factory=list)

    def to_json(self) -> dict:
        """CONTRACT §3, plus additive keys: ``duplicates``, ``photos``, ``errors``."""
        tiles, duplicates = _merge([s for p in self.photos for s in p.sightings])
        unknown = list(dict.fromkeys(t for p in self.photos for t in p.unknown))
        boards = [r for p in self.photos for r in p.board_reports]
        photos = [
            {
                "photo": p.photo,
                "width": p.size[0],
                "height": p.size[1],
                "boards": len(p.board_reports),
                "codes": len(p.sightings) + len(p.unknown),
                "suggestions": p.suggestions,
            }
            for p in self.photos
        ]
        errors = [{"photo": getattr(e, "photo", ""), "error": str(e)} for e in self.errors]
        return {
            "tiles": tiles,
            "boards": boards,
            "unknown": unknown,
            "duplicates": duplicates,
            "photos": photos,
            "errors": errors,
        }


def scan_photos(
    photos: Iterable[PhotoSource],
    geometries: Mapping[int, BoardGeometry] | None = None,
    marker_base: int = 0,
    hints: Mapping[int, Iterable[str]] | None = None,
    base_url: str | None = None,
    annotate_dir: str | os.PathLike | None = None,
    keep_annotated: bool = False,
) -> ScanResult:
    """Scan any number of photos. A bad photo is recorded in ``errors``; the rest go on.

    ``annotate_dir`` writes an annotated copy of each photo there; ``keep_annotated``
    keeps them in ``result.annotated`` instead (the web preview stores them).

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
            from .annotate import annotate

            picture = annotate(photo.gray, scanned)
            if keep_annotated:
                result.annotated.append((name, picture))
            if annotate_dir is not None:
                out = Path(annotate_dir) / f"{Path(name).stem}.annotated.jpg"
                out.parent.mkdir(parents=True, exist_ok=True)
                picture.save(out, "JPEG", quality=85)
        del photo
        result.photos.append(scanned)
    return result


def scan_photo(
    photo: Photo, geoms, marker_base: int, hints: dict[int, set[str]], base_url: str | None
) -> PhotoScan:
    started = time.monotonic()
    gray = photo.gray
    boards, facts = locate_boards(gray, geoms, marker_base)
    located = [b for b in boards if b.located]
    codes = decode.zxing(gray, "whole")
    qr_mm = _qr_mm(codes, located)
    codes = _dedupe(codes + _pass_blobs(gray, facts["scale"], located, boards, codes, qr_mm))
    deadline = started + HINT_DEADLINE_S
    codes = _dedupe(codes + _pass_hints(gray, located, codes, hints, qr_mm, base_url, deadline))
    sightings, unknown = [], []
    for code in codes:
        token = parse_tile_url(code.text, base_url)
        if token is None:
            unknown.append(code.text)
            continue
        s = Sighting(code.text, token, photo.name, code.corners, code.method)
        _place(s, code, located)
        sightings.append(s)
    reports = [_board_report(gray, b, sightings, hints, qr_mm, photo.name) for b in boards]
    suggestions = [s for r in reports for s in board_suggestions(r)]
    if not boards:
        suggestions.append(
            "no board markers found; include the corner markers of each board"
            if sightings
            else "no boards or tiles found in this photo"
        )
    for r in reports:
        r.pop("missing_corners", None)
        r.pop("problem", None) if r.get("problem") is None else None
    return PhotoScan(photo.name, photo.size, boards, sightings, unknown, reports, suggestions)


def _qr_mm(codes: list[Code], located: list[Board]) -> float:
    """The printed QR side, measured from codes already read on a board."""
    sides = []
    for c in codes:
        for b in located:
            mm = b.to_board(c.corners)
            if _on_board(b, mm.mean(axis=0)):
                sides.append(np.linalg.norm(mm - np.roll(mm, 1, axis=0), axis=1).mean())
    return float(np.median(sides)) if sides else decode.DEFAULT_QR_MM


def _on_board(b: Board, p: np.ndarray, margin: float = 0.0) -> bool:
    g = b.geometry
    return bool(-margin <= p[0] <= g.width_mm + margin and -margin <= p[1] <= g.height_mm + margin)


def _pass_blobs(gray, scale, located, boards, codes, qr_mm) -> list[Code]:
    """Pass 2: crops around code-like texture that no decoded code explains."""
    small = (
        gray
        if scale >= 1
        else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    )
    if located:
        qr_px = min(b.px_per_mm() for b in located) * qr_mm * scale
    elif codes:
        qr_px = min(c.side_px for c in codes) * scale
    else:
        qr_px = 0.015 * max(small.shape)
    qr_px = max(qr_px, 12.0)
    known = [c.corners * scale for c in codes]
    marker_quads = [q * scale for b in boards for q in b.markers.values()]
    refs = [decode.edge_density(small, q, qr_px) for q in known] or [
        decode.edge_density(small, q, qr_px) for q in marker_quads
    ]
    ref = float(np.median(refs)) if refs else None
    blurs = {b.stage: blur_sigma(gray, list(b.markers.values())) for b in located}
    found: list[Code] = []
    for x0, y0, x1, y1, _peak in decode.texture_blobs(small, qr_px, ref):
        box = np.array([x0, y0, x1, y1], np.float64)
        if _explained(box, known + marker_quads + [c.corners * scale for c in found]):
            continue
        full = box / scale
        found += _decode_region(gray, full, located, qr_mm, qr_px / scale, blurs)
    return found


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


def _decode_region(gray, box, located, qr_mm, qr_px_full, blurs) -> list[Code]:
    """Decode one region: rectified through its board when it lies on one, else upsampled.

    On a board, when the plain crop reads nothing and the blur measured on the
    markers is large against the modules there, the photo around the region is
    deblurred and rectified again.
    """
    quad = np.array([[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]])
    module_mm = qr_mm / decode.DEFAULT_MODULES
    for b in located:
        mm = b.to_board(quad)
        if not _on_board(b, mm.mean(axis=0), margin=qr_mm):
            continue
        pad = 0.35 * qr_mm
        (x0, y0), (x1, y1) = mm.min(axis=0) - pad, mm.max(axis=0) + pad
        ppm = min(decode.TARGET_PX_PER_MODULE / module_mm, decode.MAX_UPSAMPLE * b.px_per_mm())
        crop, m = decode.warp_board_window(gray, b.h, x0, y0, x1, y1, ppm)
        up = ppm / b.px_per_mm()
        codes = decode.to_photo(decode.decode_crop(crop, up, bool), m)
        blur = blurs.get(b.stage)
        module_px = _px_per_mm_at(b, mm.mean(axis=0)) * module_mm
        if codes or not blur or blur < decode.DEBLUR_MIN_BLUR_RATIO * module_px:
            return codes
        ppm = min(decode.DEBLUR_PX_PER_MODULE / module_mm, decode.MAX_UPSAMPLE * b.px_per_mm())
        for share, k in decode.DEBLUR_SETTINGS:
            crop, m = decode.deblurred_board_window(
                gray, b.h, (x0, y0, x1, y1), ppm, share * blurs[b.stage], k
            )
            codes = decode.to_photo(decode.decode_deblurred(crop, bool), m)
            if codes:
                break
        return codes
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


def _px_per_mm_at(b: Board, p_mm: np.ndarray) -> float:
    """The board's scale in the photo around ``p_mm``: with yaw, the far side is smaller."""
    sq = b.to_photo(np.array([p_mm, p_mm + (5.0, 0.0), p_mm + (0.0, 5.0)]))
    a, c = sq[1] - sq[0], sq[2] - sq[0]
    return float(np.sqrt(abs(a[0] * c[1] - a[1] * c[0])) / 5.0)


def _pass_hints(gray, located, codes, hints, qr_mm, base_url, deadline) -> list[Code]:
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


def _dedupe(codes: list[Code]) -> list[Code]:
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


def _place(s: Sighting, code: Code, located: list[Board]) -> None:
    """Put a sighting on the board under its QR centre, only if every perturbed fit agrees."""
    center = code.center.reshape(1, 2)
    hits = [b for b in located if _on_board(b, b.to_board(center)[0])]
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


def _board_report(gray, b: Board, sightings, hints, qr_mm, photo) -> dict:
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
    blur = blur_sigma(gray, list(b.markers.values()))
    r["blur_px"] = None if blur is None else round(blur, 2)
    if b.stage in hints:
        r["codes_expected"] = len(hints[b.stage])
        r["codes_found_expected"] = len({s.token for s in on} & hints[b.stage])
    r["uncertain"] = sum(1 for s in sightings if s.uncertain and s.stage in (b.stage, None))
    return r


def _merge(sightings: list[Sighting]) -> tuple[list[dict], list[dict]]:
    """One entry per payload; a payload seen in two different places is a duplicate."""
    by_payload: dict[str, list[Sighting]] = {}
    for s in sightings:
        by_payload.setdefault(s.payload, []).append(s)
    tiles, duplicates = [], []
    for payload, group in by_payload.items():
        placed = [s for s in group if s.stage is not None]
        places: list[Sighting] = []
        for s in placed:
            if not any(
                p.stage == s.stage and np.hypot(p.x_mm - s.x_mm, p.y_mm - s.y_mm) < SAME_PLACE_MM
                for p in places
            ):
                places.append(s)
        best = next((s for s in placed if s.zone), placed[0] if placed else group[0])
        entry = {
            "payload": payload,
            "token": group[0].token,
            **best.place(),
            "seen_in": sorted({s.photo for s in group}),
        }
        if len(places) > 1:
            entry.update(stage=None, zone=None, x_mm=None, y_mm=None, duplicate=True)
            duplicates.append(
                {"payload": payload, "token": group[0].token, "places": [p.place() for p in places]}
            )
        elif best.zone is None and best.stage is not None:
            entry["uncertain"] = True
        tiles.append(entry)
    return tiles, duplicates
