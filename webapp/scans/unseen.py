"""Tiles the last applied scan did not see on their board.

A tile missing from the photos looks like any other on the board after Apply; the
manager should see that it was not on the wall (taken off, fallen, hidden). A tile is
"not seen" when the latest applied scan photographed its board and it was not among
the tiles seen: its last sighting is older than that scan's photos, or there is none.
"""

from __future__ import annotations

import json

from sqlite_utils import Database


def not_seen(db: Database, team: dict) -> dict[str, str | None]:
    """Token -> when the tile was last seen (None: never), for every open tile whose board
    the latest applied scan photographed without finding it."""
    rows = list(
        db.query(
            """select created_at, preview from scans where team_id = ? and status = 'applied'
               order by applied_at desc, id desc limit 1""",
            [team["id"]],
        )
    )
    if not rows:
        return {}
    taken_at = rows[0]["created_at"]
    boards = json.loads(rows[0]["preview"] or "{}").get("boards") or []
    if not boards:
        return {}
    marks = ",".join("?" * len(boards))
    return {
        r["token"]: r["last_seen_at"]
        for r in db.query(
            f"""select token, last_seen_at from families
                where team_id = ? and closed is null and stage in ({marks})
                  and (last_seen_at is null or last_seen_at < ?)""",
            [team["id"], *boards, taken_at],
        )
    }
