"""What needs printing, and recording that it came out: date stickers and tiles.

A family needs a new date sticker when its current (status, review date) differs
from what its last printed sticker showed (``families.sticker_status`` and
``sticker_review``). Downloading a sheet changes nothing; only a person's
confirmation that the sheet printed (``mark_stickers_printed``) takes the
stickers off the queue, so a jammed printer loses nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlite_utils import Database

from tilegen import domain
from webapp.cases.families import family_view, list_families, team_flags
from webapp.cases.teams import team_today
from webapp.errors import BadInput, NotFound
from webapp.store import events
from webapp.store.connection import utcnow


def needs_sticker(view: dict, row: dict) -> bool:
    """An open family whose printed sticker no longer shows its status and review date."""
    if view["status"] == domain.CLOSED or not view["next_review"]:
        return False
    return (row["sticker_status"], row["sticker_review"]) != (view["status"], view["next_review"])


def pending_stickers(db: Database, team: dict, today: date | None = None) -> list[dict]:
    """Family views (board order) whose date sticker must be (re)printed."""
    today = today or team_today(team)
    rows = {
        r["id"]: r
        for r in db["families"].rows_where("team_id = ? and closed is null", [team["id"]])
    }
    return [v for v in list_families(db, team, today=today) if needs_sticker(v, rows[v["id"]])]


def _team_rows(db: Database, team: dict, tokens: Iterable[str]) -> list[dict]:
    """The team's rows for ``tokens``; any token not in this team is an error before
    anything is written."""
    wanted = list(dict.fromkeys(t.strip().upper() for t in tokens if t and t.strip()))
    if not wanted:
        raise BadInput("no tokens given")
    marks = ",".join("?" * len(wanted))
    rows = {
        r["token"]: r
        for r in db["families"].rows_where(
            f"team_id = ? and token in ({marks})", [team["id"], *wanted]
        )
    }
    missing = [t for t in wanted if t not in rows]
    if missing:
        raise NotFound(f"no family with token {', '.join(missing)} in team {team['name']}")
    return [rows[t] for t in wanted]


def mark_stickers_printed(
    db: Database,
    team: dict,
    tokens: Iterable[str],
    user_id: int | None = None,
    source: str = "cli",
    today: date | None = None,
) -> list[dict]:
    """Record that these families' date stickers printed, showing today's status and date.

    Returns the updated family views. Closed cases and families without a
    review date get no sticker and are a BadInput.
    """
    today = today or team_today(team)
    rows = _team_rows(db, team, tokens)
    flags = team_flags(db, team)
    views = [family_view(db, r, team, today, flags.get(r["id"], [])) for r in rows]
    for view in views:
        if view["status"] == domain.CLOSED or not view["next_review"]:
            raise BadInput(f"{view['token']} ({view['initials']}) has no date sticker to print")
    now = utcnow()
    with db.atomic():
        for view in views:
            db["families"].update(
                view["id"],
                {
                    "sticker_status": view["status"],
                    "sticker_review": view["next_review"],
                    "sticker_printed_at": now,
                    "updated_at": now,
                },
            )
            detail = {"status": view["status"], "review": view["next_review"]}
            events.record_event(
                db,
                team["id"],
                view["id"],
                events.STICKER_PRINTED,
                detail,
                user_id,
                source,
                team["timezone"],
            )
    return [family_view(db, db["families"].get(v["id"]), team, today) for v in views]


def mark_tiles_printed(
    db: Database,
    team: dict,
    tokens: Iterable[str],
    user_id: int | None = None,
    source: str = "cli",
) -> list[dict]:
    """Record that these families' tiles printed (so ``--unprinted`` leaves them out)."""
    rows = _team_rows(db, team, tokens)
    now = utcnow()
    with db.atomic():
        for row in rows:
            db["families"].update(row["id"], {"tile_printed_at": now, "updated_at": now})
            events.record_event(
                db,
                team["id"],
                row["id"],
                events.TILE_PRINTED,
                {},
                user_id,
                source,
                team["timezone"],
            )
    return [db["families"].get(r["id"]) for r in rows]
