"""What a scan returns: sightings, one photo's findings, and the result of a whole scan.

These are plain records with no scanning logic, so :mod:`scanner.scan` (which fills
them) and :mod:`scanner.annotate` (which draws them) can both import them.
``ScanResult.to_json`` merges sightings across photos into docs/contract.md §3's object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from .images import PhotoError
from .markers import Board

SAME_PLACE_MM = 60.0  # two sightings of one code closer than this are the same tile


@dataclass
class Sighting:
    """One tile code read in one photo, and where it was placed (if it could be)."""

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
    """Every photo of one scan, the photos that could not be read, and optional pictures."""

    photos: list[PhotoScan] = field(default_factory=list)
    errors: list[PhotoError] = field(default_factory=list)
    #: (photo name, annotated picture at most 2400 px across), with ``keep_annotated``
    annotated: list[tuple[str, Image.Image]] = field(default_factory=list)

    def to_json(self) -> dict:
        """docs/contract.md §3, plus additive keys: ``duplicates``, ``photos``, ``errors``."""
        tiles, duplicates = merge([s for p in self.photos for s in p.sightings])
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


def merge(sightings: list[Sighting]) -> tuple[list[dict], list[dict]]:
    """One entry per payload; a payload seen in two different places is a duplicate."""
    by_payload: dict[str, list[Sighting]] = {}
    for s in sightings:
        by_payload.setdefault(s.payload, []).append(s)
    tiles, duplicates = [], []
    for payload, group in by_payload.items():
        placed = [s for s in group if s.stage is not None]
        places = _distinct_places(placed)
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


def _distinct_places(placed: list[Sighting]) -> list[Sighting]:
    """One sighting per place: sightings on one board within ``SAME_PLACE_MM`` are one place."""
    places: list[Sighting] = []
    for s in placed:
        if not any(
            p.stage == s.stage and np.hypot(p.x_mm - s.x_mm, p.y_mm - s.y_mm) < SAME_PLACE_MM
            for p in places
        ):
            places.append(s)
    return places


def merge_scans(first: dict, second: dict) -> dict:
    """Two scans' JSON (``ScanResult.to_json``) as one, as if all their photos had been
    scanned together: a tile seen in both is one tile (or a duplicate when the two places
    differ), boards, photos and errors add up, unknown texts are listed once.

    This is how a photo is added to an open preview without scanning the first again.
    """
    sightings = _json_sightings(first) + _json_sightings(second)
    tiles, duplicates = merge(sightings)
    seen_in: dict[str, set[str]] = {}
    for t in first.get("tiles", []) + second.get("tiles", []):
        seen_in.setdefault(t["payload"], set()).update(t.get("seen_in") or [t.get("photo")])
    for t in tiles:
        t["seen_in"] = sorted(p for p in seen_in.get(t["payload"], set(t["seen_in"])) if p)
    return {
        **first,
        "tiles": tiles,
        "boards": first.get("boards", []) + second.get("boards", []),
        "unknown": list(dict.fromkeys(first.get("unknown", []) + second.get("unknown", []))),
        "duplicates": duplicates,
        "photos": first.get("photos", []) + second.get("photos", []),
        "errors": first.get("errors", []) + second.get("errors", []),
    }


def _json_sightings(scan: dict) -> list[Sighting]:
    """A scan JSON's tiles back as sightings: one per tile, or one per place of a duplicate."""
    places = {d["payload"]: d.get("places", []) for d in scan.get("duplicates") or []}
    out = []
    for t in scan.get("tiles", []):
        for p in places.get(t["payload"]) or [t]:
            out.append(
                Sighting(
                    t["payload"],
                    t.get("token"),
                    p.get("photo") or "",
                    np.zeros((4, 2)),
                    "merged",
                    p.get("stage"),
                    p.get("zone"),
                    p.get("x_mm"),
                    p.get("y_mm"),
                    bool(t.get("uncertain")),
                )
            )
    return out
