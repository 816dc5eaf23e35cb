"""Scan intake: the one way board photos (or a scan JSON) become a stored preview.

The scan page, the JSON API, ``caseboard scan --apply``, ``caseboard watch`` and the
wall camera all come through :func:`take_in`. Photos are checked against the upload
limits (:mod:`.limits` for the request, :func:`.uploads.check_photo_size` for each
photo), scanned with the team's boards and hints, and kept as a preview with their
annotated copies (:func:`.previews.keep`). What happened comes back as data, an
:class:`Intake`: the preview, each photo that could not be read with its reason, and,
when nothing was kept, why.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from webapp.errors import BadInput, TooLarge, TooMany
from webapp.scans.limits import scan_slot
from webapp.scans.previews import keep, preview_scan
from webapp.scans.records import get_scan
from webapp.scans.uploads import MAX_MEGAPIXELS, numbered, photos_meta, scan_uploads
from webapp.values.actor import Actor

#: Scans photos: (store, team, photos, max_megapixels=...) -> (scan JSON, annotated JPEGs).
Scanner = Callable[..., tuple[dict, list[tuple[str, bytes]]]]
#: A photo as sent: ``(name as sent, bytes)`` from an upload, or a file's path.
Photo = tuple[str | None, bytes] | str | os.PathLike


@dataclass
class Intake:
    """What one intake did.

    ``scan`` is the stored preview (:func:`.records.get_scan`), None when nothing was kept;
    ``scan_json`` what the scanner read (docs/contract.md §3; None when nothing was
    scanned); ``errors`` each photo that could not be read, ``{"photo", "error"}`` with
    ``photo`` its name as scanned; ``refusal`` why nothing was kept.
    """

    scan: dict | None = None
    scan_json: dict | None = None
    errors: list[dict] = field(default_factory=list)
    refusal: BadInput | None = None

    @property
    def refused(self) -> str | None:
        """Why nothing was kept, in one line (None when a preview was kept)."""
        return None if self.refusal is None else str(self.refusal)

    @property
    def over_limit(self) -> bool:
        """Refused for a limit that holds under attack (413 or 429 on the web), not for
        what the photos hold."""
        return isinstance(self.refusal, TooLarge | TooMany)

    def preview(self) -> dict:
        """The stored preview; the refusal raised when nothing was kept."""
        if self.refusal is not None:
            raise self.refusal
        return self.scan


def take_in(
    db: Database,
    team: dict,
    photos: Sequence[Photo] = (),
    *,
    scan_json: dict | None = None,
    into: int | None = None,
    actor: Actor,
    max_megapixels: float = MAX_MEGAPIXELS,
    scanner: Scanner | None = None,
    annotate_dir: str | os.PathLike | None = None,
) -> Intake:
    """Board ``photos``, or a ``scan_json`` shaped like ``caseboard scan --json``, into a
    stored preview (or, with ``into``, added to that open preview of photos).

    Uploaded photos get safe numbered names (``1-board.jpg``...); a path keeps its own
    name, as the scanner names it. Past the request limits, or when no photo could be
    read, nothing is kept and the :class:`Intake` says why. ``scanner`` scans elsewhere
    (the server's scan queue); ``annotate_dir`` also writes full-size annotated copies
    there (the command line's ``--annotate``).
    """
    try:
        if scan_json is not None:
            scan = preview_scan(db, team, scan_json, actor=actor)
            return Intake(scan=scan, scan_json=json.loads(db["scans"].get(scan["id"])["result"]))
        return _take_photos(
            db, team, photos, into, actor=actor,
            scan=scanner or _scanner(annotate_dir), max_megapixels=max_megapixels,
        )  # fmt: skip
    except BadInput as exc:
        return Intake(refusal=exc)


def _scanner(annotate_dir) -> Scanner:
    if annotate_dir is None:
        return scan_uploads
    return lambda *args, **kwargs: scan_uploads(*args, annotate_dir=annotate_dir, **kwargs)


def _take_photos(db, team, photos, into, *, actor, scan, max_megapixels) -> Intake:
    if not photos:
        raise BadInput("choose at least one photo of a board")
    earlier = _open_preview_of_photos(db, team, into) if into is not None else None
    named, unread = _named(photos, start=1 + len(earlier["photos"]) if earlier else 1)
    if named:
        with scan_slot(db, actor.user):
            scan_json, images = scan(db, team, named, max_megapixels=max_megapixels)
    else:
        scan_json, images = _nothing_read(), []
    scan_json["errors"] = unread + (scan_json.get("errors") or [])
    errors = scan_json["errors"]
    if not scan_json.get("photos"):
        why = "; ".join(e["error"] for e in errors) or "no photo could be read"
        return Intake(scan_json=scan_json, errors=errors, refusal=BadInput(why))
    if earlier is None:
        scan = preview_scan(db, team, scan_json, actor=actor, photos_meta=photos_meta(named),
                            images=images)  # fmt: skip
        return Intake(scan=scan, scan_json=scan_json, errors=errors)
    from scanner.results import merge_scans

    merged = merge_scans(json.loads(db["scans"].get(earlier["id"])["result"]), scan_json)
    meta = earlier["photos"] + photos_meta(named)
    keep(db, team, earlier["id"], merged, meta, images,
         actor=actor, added=len(named))  # fmt: skip
    return Intake(scan=get_scan(db, team, earlier["id"]), scan_json=scan_json, errors=errors)


def _open_preview_of_photos(db: Database, team: dict, scan_id: int) -> dict:
    """The preview photos may be added to: :class:`BadInput` for an applied scan or one
    sent as JSON (there are no photos to add to), ``NotFound`` for another team's."""
    scan = get_scan(db, team, scan_id)
    if scan["status"] != "preview":
        raise BadInput(f"scan {scan['id']} is already applied; start a new scan")
    if not scan["photos"]:
        raise BadInput(f"scan {scan['id']} was sent as JSON, not photos; start a new scan")
    return scan


def _named(photos: Sequence[Photo], start: int) -> tuple[list[tuple[str, bytes]], list[dict]]:
    """The photos as (name, bytes), and a file that could not be read as its error."""
    named, unread = [], []
    for number, photo in enumerate(photos, start=start):
        if isinstance(photo, tuple):
            named += numbered([photo], start=number)
            continue
        name = str(photo)
        try:
            named.append((name, Path(photo).read_bytes()))
        except OSError as exc:  # as the scanner says it (scanner.images.load_photo)
            unread.append({"photo": name, "error": f"{name}: cannot read the file "
                                                   f"({exc.strerror or exc})"})  # fmt: skip
    return named, unread


def _nothing_read() -> dict:
    from scanner.results import ScanResult

    return ScanResult().to_json()


def preview_photos(
    db: Database,
    team: dict,
    uploads: Sequence[Photo],
    *,
    actor: Actor,
    max_megapixels: float = MAX_MEGAPIXELS,
    scanner: Scanner | None = None,
) -> dict:
    """:func:`take_in` for a caller that answers a refusal as an error (the JSON API):
    the stored preview, or :class:`BadInput` with the reason."""
    return take_in(
        db, team, uploads, actor=actor, max_megapixels=max_megapixels, scanner=scanner,
    ).preview()  # fmt: skip
