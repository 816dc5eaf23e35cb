"""Will this camera do? Pixels per QR module a camera gives across the team's boards,
worked out from its width, measured on the latest capture, or measured once from a
source."""

from __future__ import annotations

import json

from sqlite_utils import Database

from webapp.accounts.teams import boards, public_base_url
from webapp.errors import BadInput


def camera_figures(db: Database | None, team: dict | None, width_px: int, boards_n: int) -> dict:
    """Pixels per QR module for a camera ``width_px`` wide covering ``boards_n`` boards:
    the team's widest board and its deployment's QR module size, or the defaults."""
    from scanner.capture import camera_check
    from tilegen.standard import DEFAULT_BOARD_WIDTH_MM
    from tilegen.tile import qr_module_mm
    from webapp.accounts.teams import DEFAULT_BASE_URL

    width_mm = DEFAULT_BOARD_WIDTH_MM
    base_url = DEFAULT_BASE_URL
    if db is not None and team is not None:
        width_mm = max(b["width_mm"] for b in boards(db, team))
        base_url = public_base_url(db, team)
    try:
        return camera_check(
            width_px, boards_n, board_width_mm=width_mm, module_mm=qr_module_mm(base_url)
        )
    except ValueError as exc:
        raise BadInput(str(exc)) from None


def camera_table(db: Database, team: dict) -> list[dict]:
    """Common camera widths across one to three boards, for the admin page."""
    return [
        camera_figures(db, team, width, n) for width in (1920, 2560, 3840, 7680) for n in (1, 2, 3)
    ]


def last_measured(db: Database, team: dict) -> dict | None:
    """Pixels per module measured on the team's latest camera capture that found a board:
    ``{"at", "scan_id", "boards": [{"stage", "px_per_module"}]}``."""
    rows = db.query(
        """select r.at, r.scan_id, s.result from camera_runs r join scans s on s.id = r.scan_id
           where r.team_id = ? and r.trigger != 'watch' order by r.id desc limit 5""",
        [team["id"]],
    )
    for row in rows:
        measured = [
            {"stage": b["stage"], "px_per_module": b["px_per_module"]}
            for b in json.loads(row["result"]).get("boards", [])
            if b.get("px_per_module")
        ]
        if measured:
            return {"at": row["at"], "scan_id": row["scan_id"], "boards": measured}
    return None


def measure_source(db: Database | None, team: dict | None, source: str, frames: int) -> dict:
    """Capture once from ``source`` and measure pixels per module on each board found,
    keeping nothing (no preview, no photo): for ``caseboard camera check --camera``."""
    from scanner import scan_photos
    from scanner.capture import CaptureError, capture

    settings = {}
    if db is not None and team is not None:
        from webapp.accounts.teams import scan_settings

        settings = scan_settings(db, team)
    try:
        shot = capture(source, frames)
    except CaptureError as exc:
        raise BadInput(str(exc)) from None
    report = shot.report()
    result = scan_photos([("camera", shot.image_pil())], **settings).to_json()
    del shot
    return {
        "capture": report,
        "boards": [
            {"stage": b["stage"], "markers": b["markers"], "px_per_module": b.get("px_per_module")}
            for b in result["boards"]
        ],
        "tiles": len(result["tiles"]),
    }
