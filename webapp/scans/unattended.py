"""Scans that nobody is holding the camera for: a wall camera or a watched folder.

Such a scan is applied by itself only when it is *clean* (docs/contract.md §11): every
expected tile on the photographed boards was found, nothing moved board, nothing is
uncertain. Otherwise it stays a preview for the manager, and the board page says so
(:func:`waiting_notice`). Every run is recorded in ``camera_runs``.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from webapp.scans.applying import apply_scan
from webapp.scans.records import public_preview
from webapp.store.connection import utcnow
from webapp.values.actor import Actor


def not_clean_reasons(db: Database, scan: dict) -> list[str]:
    """Why ``scan`` (a stored preview, :func:`records.get_scan`) must not apply by itself;
    an empty list when it is clean."""
    result = json.loads(db["scans"].get(scan["id"])["result"])
    reasons = []
    if not scan["boards"]:
        reasons.append("no board was located in the photos")
    if scan["missing"]:
        boards = sorted({m["stage"] for m in scan["missing"]})
        reasons.append(
            f"{_n(scan['missing'], 'expected tile')} not found on board "
            + ", ".join(map(str, boards))
        )
    if scan["moves"]:
        reasons.append(f"{_n(scan['moves'], 'tile')} moved board")
    uncertain = len(scan.get("unplaced") or []) + sum(
        b.get("uncertain", 0) for b in result.get("boards", [])
    )
    if uncertain:
        reasons.append(f"{uncertain} tile(s) could not be placed with certainty")
    if scan.get("duplicates"):
        reasons.append(f"{_n(scan['duplicates'], 'tile')} seen in two places")
    strangers = [u for u in scan["unknown"] if u["reason"] != "not a tile code"]
    if strangers:
        reasons.append(f"{_n(strangers, 'tile code')} not of this team")
    unlocated = sorted({b["stage"] for b in result.get("boards", []) if not b.get("located")})
    if unlocated:
        reasons.append("board " + ", ".join(map(str, unlocated)) + " seen but not located")
    if scan.get("errors"):
        reasons.append(f"{_n(scan['errors'], 'photo')} could not be read")
    return reasons


def _n(items, noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def finish(
    db: Database,
    team: dict,
    scan: dict,
    *,
    trigger: str,
    apply_if_clean: bool,
    actor: Actor,
    slot: str | None = None,
    capture: dict | None = None,
) -> dict:
    """Apply ``scan`` (as by ``actor``) when asked to and it is clean, record the run, and
    return the preview object of docs/contract.md §11 (``applied`` a bool, plus
    ``not_clean``)."""
    reasons = not_clean_reasons(db, scan)
    applied = None
    if apply_if_clean and not reasons:
        applied = apply_scan(db, team, scan["id"], actor=actor)
    record_run(
        db,
        team,
        trigger,
        scan_id=scan["id"],
        applied=bool(applied and applied["applied"]),
        not_clean=reasons if apply_if_clean else [],
        slot=slot,
        capture=capture,
    )
    out = public_preview(scan)
    out["applied"] = bool(applied and applied["applied"])
    if applied:
        out["apply"] = applied
    out["not_clean"] = reasons
    return out


def record_run(
    db: Database,
    team: dict,
    trigger: str,
    *,
    scan_id: int | None = None,
    applied: bool = False,
    not_clean: list[str] = (),
    error: str | None = None,
    slot: str | None = None,
    capture: dict | None = None,
) -> None:
    db["camera_runs"].insert(
        {
            "team_id": team["id"],
            "at": utcnow(),
            "trigger": trigger,
            "slot": slot,
            "scan_id": scan_id,
            "applied": int(applied),
            "not_clean": json.dumps(list(not_clean)),
            "error": error,
            "capture": json.dumps(capture) if capture else None,
        }
    )


def waiting_notice(db: Database, team: dict) -> dict | None:
    """The latest unattended scan that was meant to apply by itself but was not clean and
    is still a preview: ``{"scan_id", "at", "trigger", "reasons"}``; None when there is none.
    """
    rows = list(
        db.query(
            """select r.scan_id, r.at, r.trigger, r.not_clean from camera_runs r
               join scans s on s.id = r.scan_id
               where r.team_id = ? and r.not_clean != '[]' and s.status = 'preview'
               and not exists (select 1 from scans later where later.team_id = r.team_id
                               and later.status = 'applied' and later.id > r.scan_id)
               order by r.id desc limit 1""",
            [team["id"]],
        )
    )
    if not rows:
        return None
    row = rows[0]
    return {
        "scan_id": row["scan_id"],
        "at": row["at"],
        "trigger": row["trigger"],
        "reasons": json.loads(row["not_clean"]),
    }
