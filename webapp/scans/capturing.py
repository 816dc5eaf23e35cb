"""One capture: the team's wall camera read once and the photo taken in as an upload.

Frames stay in memory and are dropped once the photo is scanned; no video is kept
(see :mod:`scanner.capture`).
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from webapp.errors import BadInput
from webapp.scans import unattended
from webapp.scans.camera import COMMAND_LINE, camera_settings, check_page_source
from webapp.scans.intake import Intake, take_in
from webapp.values.actor import Actor


def take_photo(
    db: Database,
    team: dict,
    source: str | None = None,
    *,
    frames: int | None = None,
    apply_if_clean: bool | None = None,
    trigger: str = "request",
    actor: Actor,
    slot: str | None = None,
) -> tuple[Intake, dict | None]:
    """Read the camera (``source``, else the team's), take the photo in as an upload
    would be (:func:`.intake.take_in`), and apply it when asked and clean; ``actor`` is
    who it is recorded as taken by (:meth:`Actor.camera`).

    Returns the :class:`.intake.Intake` (its ``refusal`` says why nothing was kept: no
    camera set, the camera could not be read, nothing could be scanned) and the preview
    object of docs/contract.md §11 (``applied``, ``not_clean``, ``capture``), None when
    nothing was kept. Every run is recorded (:func:`.unattended.record_run`).
    """
    from scanner.capture import CaptureError, capture, encode_png

    settings = camera_settings(team)
    try:
        if source is None and settings["source"] and settings["set_on"] != COMMAND_LINE:
            check_page_source(settings["source"])  # e.g. a file set on the page by an older version
    except BadInput as exc:
        return Intake(refusal=exc), None
    source = (source if source is not None else settings["source"]).strip()
    if not source:
        refusal = BadInput("no camera is set for this team: set its source on the admin page")
        return Intake(refusal=refusal), None
    frames = frames or settings["frames"]
    apply_if_clean = settings["apply"] if apply_if_clean is None else apply_if_clean
    try:
        shot = capture(source, frames)
        photo = encode_png(shot.image)
    except CaptureError as exc:
        unattended.record_run(db, team, trigger, error=str(exc), slot=slot)
        return Intake(refusal=BadInput(str(exc))), None
    report = shot.report()
    del shot  # the frames and the photo go once the photo is encoded for the scanner
    taken = take_in(db, team, [("camera.png", photo)], actor=actor)
    del photo
    if taken.refusal:
        unattended.record_run(db, team, trigger, error=taken.refused, slot=slot, capture=report)
        return taken, None
    preview = unattended.finish(
        db,
        team,
        taken.scan,
        trigger=trigger,
        apply_if_clean=apply_if_clean,
        actor=actor,
        slot=slot,
        capture=report,
    )
    preview["capture"] = report
    return taken, preview


def capture_scan(
    db: Database, team: dict, source: str | None = None, **options
) -> tuple[dict, dict]:
    """:func:`take_photo` for a caller that answers a refusal as an error (``caseboard
    capture``): ``(scan_json, preview)``, the scanner's docs/contract.md §3
    object and the preview object of §11, or :class:`BadInput` with the reason."""
    taken, preview = take_photo(db, team, source, **options)
    scan = taken.preview()
    return json.loads(db["scans"].get(scan["id"])["result"]), preview
