"""Comparing a scan with the store, and keeping the comparison as a preview.

A preview changes no family: it records what the scan says about the wall (moves,
tiles in the wrong section, tiles not seen, unknown codes) against the store as it
is now, with the annotated photos, until someone applies it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlite_utils import Database

from scanner.quality import NOT_FOUND, SECOND_PHOTO
from webapp.accounts.teams import team_today
from webapp.cases.families import family_view
from webapp.scans.records import applied_with_hash, get_scan
from webapp.scans.uploads import check_scan_json, json_hash, photos_hash
from webapp.store import access_log
from webapp.store.connection import utcnow
from webapp.values.actor import Actor


def rows_by_token(db: Database, team: dict) -> dict[str, dict]:
    """The team's families as stored (open and closed), by tile token."""
    return {r["token"]: r for r in db["families"].rows_where("team_id = ?", [team["id"]])}


def compare(db: Database, team: dict, scan: dict) -> dict:
    """What the scan says about the wall, against the store as it is now."""
    rows = rows_by_token(db, team)
    placed = _place_tiles(db, team, rows, scan["tiles"])
    unknown = placed.pop("unknown")
    unknown += [{"text": text, "reason": "not a tile code"} for text in scan["unknown"]]
    photographed = sorted({b["stage"] for b in scan["boards"] if b.get("located", True)})
    missing = _missing(rows, photographed, placed.pop("tokens"))
    return {
        "moves": placed["moves"],
        "wrong_zone": placed["wrong_zone"],
        "missing": missing,
        "unknown": unknown,
        "duplicates": _duplicates(rows, scan),
        "unplaced": placed["unplaced"],
        "closed": placed["closed"],
        "seen": placed["seen"],
        "boards": photographed,
        "advice": _advice(rows, scan, photographed, missing),
        "errors": scan.get("errors") or [],
    }


def _place_tiles(db: Database, team: dict, rows: dict[str, dict], tiles: list[dict]) -> dict:
    """Each tile the scan read, sorted by what it tells: ``seen`` in a place (and of
    those, ``moves`` to another board and ``wrong_zone``), ``unplaced``, ``closed`` and
    ``unknown``; ``tokens`` holds every one of the team's tiles that was read."""
    today = team_today(team)
    out = {k: [] for k in ("seen", "moves", "wrong_zone", "unplaced", "closed", "unknown")}
    out["tokens"] = set()
    for tile in tiles:
        row = rows.get(tile["token"]) if tile["token"] else None
        if row is None:
            reason = "not a tile code" if not tile["token"] else "not one of this team's tiles"
            out["unknown"].append({"text": tile.get("payload") or tile["token"], "reason": reason})
            continue
        out["tokens"].add(row["token"])
        base = {"token": row["token"], "initials": row["initials"], "photo": tile.get("photo")}
        if row["closed"]:
            out["closed"].append({**base, "closed": row["closed"], "stage": tile.get("stage")})
            continue
        if tile.get("stage") is None or tile.get("zone") is None:
            if not tile.get("duplicate"):
                out["unplaced"].append({**base, "stage": tile.get("stage")})
            continue
        where = {"stage": tile["stage"], "zone": tile["zone"]}
        out["seen"].append({**base, **where, "x_mm": tile.get("x_mm"), "y_mm": tile.get("y_mm")})
        if tile["stage"] != row["stage"]:
            out["moves"].append(
                {**base, "from": row["stage"], "to": tile["stage"], "zone": tile["zone"]}
            )
        view = family_view(db, row, team, today, flags=[])
        if tile["zone"] != view["expected_zone"]:
            out["wrong_zone"].append(
                {
                    **base,
                    "stage": tile["stage"],
                    "zone": tile["zone"],
                    "expected_zone": view["expected_zone"],
                    "status": view["status"],
                    "next_review": row["next_review"],
                    "due": view["due"],
                }
            )
    return out


def _missing(rows: dict[str, dict], photographed: list[int], read: set[str]) -> list[dict]:
    """Open tiles stored on a photographed board that no photo read."""
    return [
        {
            "token": row["token"],
            "initials": row["initials"],
            "stage": row["stage"],
            "last_stage": row["last_stage"],
            "last_zone": row["last_zone"],
            "last_seen_at": row["last_seen_at"],
        }
        for row in sorted(rows.values(), key=lambda r: (r["stage"], r["initials"]))
        if not row["closed"] and row["stage"] in photographed and row["token"] not in read
    ]


def _duplicates(rows: dict[str, dict], scan: dict) -> list[dict]:
    """Tiles read in two places: the team's own, and codes that are not tiles."""
    return [
        {
            "token": d.get("token"),
            "initials": rows[d["token"]]["initials"] if d.get("token") in rows else None,
            "places": d.get("places", []),
        }
        for d in scan.get("duplicates") or []
        if d.get("token") in rows or not d.get("token")
    ]


def _advice(rows: dict[str, dict], scan: dict, photographed: list[int], missing) -> list[str]:
    """The photos' retake advice, once each, counted over the whole scan."""
    advice = [s for p in scan.get("photos") or [] for s in p.get("suggestions", [])]
    if not missing:  # a second photo already found what the first one missed
        advice = [a for a in advice if SECOND_PHOTO not in a]
    if scan.get("photos"):  # a scan sent as JSON has no photos to retake
        found = {t["token"] for t in scan["tiles"]}
        advice = scan_wide_advice(advice, rows, photographed, found)
    return list(dict.fromkeys(advice))


def scan_wide_advice(
    advice: list[str], rows: dict[str, dict], photographed: list[int], found: set[str]
) -> list[str]:
    """The photos' advice, with each board's "tiles not found" counted over the whole scan.

    The scanner judges one photo at a time, so a tile that moved to another board reads as
    "not found" on the board it left, even when the photo of its new board shows it. Here a
    board's expected tiles (those stored on it, or last seen on it) count as not found only
    when no photo of the scan found them; a retake of that board cannot find the others.
    """
    kept = [a for a in advice if not (SECOND_PHOTO in a and NOT_FOUND in a)]
    for stage in photographed:
        expected = {
            t for t, r in rows.items() if not r["closed"] and stage in (r["stage"], r["last_stage"])
        }
        lost = expected - found
        if lost:
            kept.append(
                f"board {stage}: {len(lost)} of {len(expected)} {NOT_FOUND}; {SECOND_PHOTO}"
            )
    return kept


def preview_scan(
    db: Database,
    team: dict,
    scan_json: dict,
    *,
    actor: Actor,
    photos_meta: list[dict] | None = None,
    images: Sequence[tuple[str, bytes]] = (),
) -> dict:
    """Check ``scan_json``, compare it with the store and keep it as a preview.

    Nothing about any family changes. Returns the scan record (see :func:`scan_view`).
    """
    scan = check_scan_json(scan_json)
    scan_id = keep(db, team, None, scan, photos_meta or [], images, actor=actor)
    return get_scan(db, team, scan_id)


def keep(
    db: Database,
    team: dict,
    scan_id: int | None,
    scan: dict,
    meta: list[dict],
    images: Sequence[tuple[str, bytes]],
    *,
    actor: Actor,
    added: int = 0,
) -> int:
    """Compare ``scan`` with the store and keep it, in one transaction, as preview
    ``scan_id`` (a new preview when None) with its annotated ``images`` after any it
    holds; ``added`` photos were added to it. Returns the preview's id. Its access-log
    entry is written without the client's address, as it has always been."""
    content_hash = photos_hash(meta) if meta else json_hash(scan)
    preview = compare(db, team, scan)
    earlier = applied_with_hash(db, team, content_hash)
    if earlier:
        preview["already_applied"] = earlier["id"]
    fields = {
        "content_hash": content_hash,
        "photos": json.dumps(meta),
        "result": json.dumps(scan),
        "preview": json.dumps(preview),
    }
    with db.atomic():
        if scan_id is None:
            row = {"team_id": team["id"], "user_id": actor.user, "created_at": utcnow(),
                   "source": actor.source, **fields, "status": "preview"}  # fmt: skip
            scan_id = db["scans"].insert(row).last_pk
        else:
            db["scans"].update(scan_id, fields)
        start = db.execute(
            "select coalesce(max(position), -1) + 1 from scan_images where scan_id = ?", [scan_id]
        ).fetchone()[0]
        for position, (name, jpeg) in enumerate(images, start=start):
            db["scan_images"].insert(
                {"scan_id": scan_id, "position": position, "name": name, "jpeg": jpeg}
            )
        counts = {k: len(preview[k]) for k in ("moves", "wrong_zone", "missing", "unknown")}
        if added:
            counts["photos_added"] = added
        access_log.record(
            db, team["id"], access_log.SCAN_PREVIEW, str(scan_id), counts,
            actor=actor.without_address(),
        )  # fmt: skip
    return scan_id
