"""The append-only history of what happened to each family's tile."""

from __future__ import annotations

import json
from datetime import date

from sqlite_utils import Database

from tilegen.domain import today as local_today
from webapp.store.connection import utcnow
from webapp.values.actor import Actor

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
    team: dict,
    family_id: int | None,
    kind: str,
    detail: dict | None = None,
    *,
    actor: Actor,
    on: date | None = None,
) -> int:
    """Append one event of ``team``'s, by ``actor``; the caller owns the transaction.
    ``on`` is the day the change takes effect, when it is not the team's today."""
    return (
        db["events"]
        .insert(
            {
                "team_id": team["id"],
                "family_id": family_id,
                "at": utcnow(),
                "on_date": (on or local_today(team["timezone"])).isoformat(),
                "kind": kind,
                "detail": json.dumps(detail or {}, sort_keys=True),
                "user_id": actor.user,
                "source": actor.source,
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
