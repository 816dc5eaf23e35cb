"""Reading stored scans: one scan with its preview, its photos, the API's view of it,
the team's recent scans, and an earlier applied scan of the same photos."""

from __future__ import annotations

import json

from sqlite_utils import Database

from webapp.errors import NotFound


def applied_with_hash(
    db: Database, team: dict, content_hash: str, *, other_than: int | None = None
) -> dict | None:
    """The team's first applied scan of the same photos (or JSON), leaving out scan
    ``other_than``; None when there is none."""
    where = "team_id = ? and content_hash = ? and status = 'applied'"
    params: list = [team["id"], content_hash]
    if other_than is not None:
        where += " and id != ?"
        params.append(other_than)
    rows = list(db["scans"].rows_where(where, params, order_by="id", limit=1))
    return rows[0] if rows else None


def recent_scans(db: Database, team: dict, limit: int = 10) -> list[dict]:
    """The team's latest scans, newest first, with who sent each and whether they came
    as photos (an open preview of photos can take another)."""
    return list(
        db.query(
            """select s.id, s.created_at, s.status, s.source, u.username,
                      s.photos not in ('', '[]') as has_photos
               from scans s left join users u on u.id = s.user_id
               where s.team_id = ? order by s.id desc limit ?""",
            [team["id"], limit],
        )
    )


def get_scan(db: Database, team: dict, scan_id: int | str) -> dict:
    """A scan of this team as a dict; another team's scan is simply not found."""
    try:
        scan_id = int(scan_id)
    except (TypeError, ValueError):
        raise NotFound(f"no scan {scan_id!r}") from None
    rows = list(db["scans"].rows_where("id = ? and team_id = ?", [scan_id, team["id"]]))
    if not rows:
        raise NotFound(f"no scan {scan_id}")
    return scan_view(db, rows[0])


def scan_view(db: Database, row: dict) -> dict:
    preview = json.loads(row["preview"])
    images = [
        {"position": r["position"], "name": r["name"]}
        for r in db.query(
            "select position, name from scan_images where scan_id = ? order by position",
            [row["id"]],
        )
    ]
    return {
        "id": row["id"],
        "status": row["status"],
        "created_at": row["created_at"],
        "source": row["source"],
        "photos": json.loads(row["photos"] or "[]"),
        "images": images,
        **preview,
        "applied_at": row["applied_at"],
        "applied": json.loads(row["applied"]) if row["applied"] else None,
    }


def scan_image(db: Database, team: dict, scan_id: int, position: int) -> bytes:
    rows = list(
        db.query(
            """select i.jpeg from scan_images i join scans s on s.id = i.scan_id
               where s.id = ? and s.team_id = ? and i.position = ?""",
            [scan_id, team["id"], position],
        )
    )
    if not rows:
        raise NotFound(f"no photo {position} in scan {scan_id}")
    return rows[0]["jpeg"]


def public_preview(scan: dict) -> dict:
    """The API's answer: docs/contract.md §4's keys first, then the extras."""
    keys = ("id", "moves", "wrong_zone", "missing", "unknown")
    extras = ("status", "duplicates", "unplaced", "closed", "boards", "advice", "errors")
    out = {k: scan[k] for k in keys}
    out.update({k: scan.get(k) for k in extras})
    if scan.get("already_applied"):
        out["already_applied"] = scan["already_applied"]
    if scan.get("applied") is not None:
        out["applied"] = scan["applied"]
    return out
