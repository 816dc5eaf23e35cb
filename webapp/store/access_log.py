"""The audit log: who viewed which tile, who applied which scan, who changed a date or stage.

Plain library code (no Flask): the views pass the user, the source and the
client address. Admins read it on the audit page.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from webapp.store.connection import utcnow

TILE_VIEW = "tile.view"
SCAN_PREVIEW = "scan.preview"
SCAN_APPLY = "scan.apply"
REVIEW_SET = "review.set"
STAGE_MOVE = "stage.move"
CASE_CLOSE = "case.close"
CASE_REOPEN = "case.reopen"
CASE_CHANGE = "case.change"
CASE_TRANSFER = "case.transfer"


def record(
    db: Database,
    team_id: int,
    user_id: int | None,
    action: str,
    target: str | None = None,
    detail: dict | None = None,
    *,
    source: str = "web",
    ip: str | None = None,
) -> None:
    """Append one entry (in the caller's transaction, if any).

    Plain SQL rather than ``db["audit"].insert``: every tile view writes one
    entry, and sqlite-utils would first look the table up in sqlite_master.
    """
    row = (team_id, user_id, utcnow(), action, target, json.dumps(detail or {}, sort_keys=True),
           source, ip)  # fmt: skip
    sql = """insert into audit (team_id, user_id, at, action, target, detail, source, ip)
             values (?, ?, ?, ?, ?, ?, ?, ?)"""
    if db.conn.in_transaction:
        db.execute(sql, row)
    else:
        with db.conn:  # commits
            db.execute(sql, row)


def entries(
    db: Database,
    team: dict,
    *,
    action: str | None = None,
    limit: int = 200,
    before: int | None = None,
) -> list[dict]:
    """The team's newest entries first, with the user's name, the board code of the
    family it is about (``code``, None for a scan or a login) and ``detail`` decoded."""
    where, params = ["a.team_id = ?"], [team["id"]]
    if action:
        where.append("a.action = ?")
        params.append(action)
    if before:
        where.append("a.id < ?")
        params.append(before)
    rows = db.query(
        f"""select a.*, u.username, f.initials as code from audit a
            left join users u on u.id = a.user_id
            left join families f on f.token = a.target and f.team_id = a.team_id
            where {" and ".join(where)} order by a.id desc limit ?""",
        [*params, limit],
    )
    return [{**row, "detail": json.loads(row["detail"] or "{}")} for row in rows]
