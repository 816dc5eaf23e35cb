"""The append-only history of what happened to each family's tile."""

from __future__ import annotations

import json

from sqlite_utils import Database

from tilegen.domain import today as local_today
from webapp.store.connection import utcnow

CREATED = "created"
STAGE_MOVED = "stage_moved"
ZONE_SEEN = "zone_seen"
REVIEW_SET = "review_set"
TILE_PRINTED = "tile_printed"
STICKER_PRINTED = "sticker_printed"
CLOSED = "closed"
REOPENED = "reopened"
TRANSFERRED = "transferred"
CHANGED = "changed"
FLAG_ADDED = "flag_added"
FLAG_REMOVED = "flag_removed"
OUTCOME = "outcome"


def record_event(
    db: Database,
    team_id: int,
    family_id: int | None,
    kind: str,
    detail: dict | None = None,
    user_id: int | None = None,
    source: str = "cli",
    timezone: str = "Europe/London",
    on_date: str | None = None,
) -> int:
    """Append one event; the caller owns the transaction. ``on_date`` is the date the
    change takes effect (ISO), when it is not today."""
    return (
        db["events"]
        .insert(
            {
                "team_id": team_id,
                "family_id": family_id,
                "at": utcnow(),
                "on_date": on_date or local_today(timezone).isoformat(),
                "kind": kind,
                "detail": json.dumps(detail or {}, sort_keys=True),
                "user_id": user_id,
                "source": source,
            }
        )
        .last_pk
    )


def family_history(db: Database, family_id: int) -> list[dict]:
    """A family's events, newest first, with ``detail`` decoded and the user's name."""
    rows = db.query(
        """select e.*, u.username from events e left join users u on u.id = e.user_id
           where e.family_id = ? order by e.at desc, e.id desc""",
        [family_id],
    )
    return [{**row, "detail": json.loads(row["detail"] or "{}")} for row in rows]
