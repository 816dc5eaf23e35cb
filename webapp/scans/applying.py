"""Applying a preview: the store follows the wall, once, in one transaction.

Tiles seen on another board move stage, every tile's last-seen place is updated,
and history events are appended. A scan applies at most once, and a scan of photos
that were already applied (same content hash) changes nothing.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from webapp.printing.queues import pending_stickers
from webapp.scans.previews import compare, rows_by_token
from webapp.scans.records import applied_with_hash, get_scan
from webapp.store import access_log, events
from webapp.store.connection import utcnow
from webapp.values.actor import Actor


def apply_scan(
    db: Database,
    team: dict,
    scan_id: int | str,
    *,
    actor: Actor,
) -> dict:
    """Write a preview into the store, once, in one transaction.

    The scan is compared with the store again at apply time, so a date or
    stage changed since the preview is respected. Returns what changed:
    ``{"applied": bool, "moved": [...], "placed": [...], "seen": n, "note": str,
    "stickers_pending": n}``, the last being the date stickers now waiting to print
    (tiles moved into another section need their new sticker).
    """
    scan = get_scan(db, team, scan_id)
    with db.atomic():
        claimed = db.execute(
            "update scans set status = 'applied', applied_at = ?, applied_by = ? "
            "where id = ? and team_id = ? and status = 'preview'",
            [utcnow(), actor.user, scan["id"], team["id"]],
        ).rowcount
        if not claimed:  # applied before (maybe by someone else a moment ago)
            done = get_scan(db, team, scan["id"])
            return {
                "applied": False,
                "moved": [],
                "placed": [],
                "seen": 0,
                "note": f"scan {scan['id']} was already applied at {done['applied_at']}",
                "stickers_pending": len(pending_stickers(db, team)),
            }
        row = db["scans"].get(scan["id"])
        earlier = applied_with_hash(db, team, row["content_hash"], other_than=row["id"])
        if earlier:
            summary = {
                "applied": True,
                "moved": [],
                "placed": [],
                "seen": 0,
                "note": f"the same photos were applied in scan {earlier['id']}; nothing to change",
            }
        else:
            summary = _write(db, team, row, actor=actor)
        db["scans"].update(row["id"], {"applied": json.dumps(summary)})
        access_log.record(
            db,
            team["id"],
            access_log.SCAN_APPLY,
            str(row["id"]),
            {"moved": len(summary["moved"]), "placed": len(summary["placed"])},
            actor=actor,
        )
    return {**summary, "stickers_pending": len(pending_stickers(db, team))}


def _write(db: Database, team: dict, scan_row: dict, *, actor: Actor) -> dict:
    """Inside the apply transaction: update each seen tile and append its events."""
    preview = compare(db, team, json.loads(scan_row["result"]))
    rows = rows_by_token(db, team)
    seen_at = scan_row["created_at"]
    moved, placed, stale = [], [], 0
    for place in preview["seen"]:
        row = rows[place["token"]]
        if row["last_seen_at"] and row["last_seen_at"] > seen_at:
            stale += 1  # a newer photo already placed this tile
            continue
        changes = {
            "last_stage": place["stage"],
            "last_zone": place["zone"],
            "last_x_mm": place["x_mm"],
            "last_y_mm": place["y_mm"],
            "last_seen_at": seen_at,
        }
        detail = {"scan": scan_row["id"]}
        if place["stage"] != row["stage"]:
            changes["stage"] = place["stage"]
            move = {"from": row["stage"], "to": place["stage"], **detail}
            events.record_event(db, team, row["id"], events.STAGE_MOVED, move, actor=actor)
            moved.append({"token": row["token"], "from": row["stage"], "to": place["stage"]})
        if (row["last_stage"], row["last_zone"]) != (place["stage"], place["zone"]):
            where = {k: place[k] for k in ("stage", "zone", "x_mm", "y_mm")}
            seen = {**where, **detail}
            events.record_event(db, team, row["id"], events.ZONE_SEEN, seen, actor=actor)
            placed.append({"token": row["token"], "stage": place["stage"], "zone": place["zone"]})
        changes["updated_at"] = utcnow()
        db["families"].update(row["id"], changes)
    note = (
        f"{len(preview['seen'])} tiles seen, {len(moved)} moved board, {len(placed)} in a new place"
    )
    if stale:
        note += f"; {stale} left alone because a newer photo had placed them"
    return {
        "applied": True,
        "moved": moved,
        "placed": placed,
        "seen": len(preview["seen"]),
        "note": note,
    }
