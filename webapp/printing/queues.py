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
from webapp.accounts.teams import team_today
from webapp.cases.families import (
    change_family,
    family_view,
    list_families,
    open_rows,
    team_flags,
    unknown_tokens,
)
from webapp.errors import BadInput
from webapp.store import events
from webapp.store.connection import utcnow
from webapp.values.actor import Actor


def needs_sticker(view: dict, row: dict) -> bool:
    """An open family whose printed sticker no longer shows its status and review date."""
    if view["status"] == domain.CLOSED or not view["next_review"]:
        return False
    return (row["sticker_status"], row["sticker_review"]) != (view["status"], view["next_review"])


def pending_stickers(db: Database, team: dict, today: date | None = None) -> list[dict]:
    """Family views (board order) whose date sticker must be (re)printed."""
    return [view for view, _ in pending_sticker_rows(db, team, today)]


def pending_sticker_rows(
    db: Database, team: dict, today: date | None = None, views: list[dict] | None = None
) -> list[tuple[dict, dict]]:
    """(family view, stored row) for each family whose date sticker must be (re)printed,
    in board order: both from the same two queries, whatever the number of families.
    ``views`` are the team's open families as :func:`list_families` gives them on
    ``today``, when the caller has them already."""
    today = today or team_today(team)
    rows = {r["id"]: r for r in open_rows(db, team)}
    views = list_families(db, team, today=today) if views is None else views
    return [(v, rows[v["id"]]) for v in views if needs_sticker(v, rows[v["id"]])]


def never_printed(db: Database, team: dict, pending: list[dict]) -> bool:
    """True when none of the ``pending`` stickers was ever printed (a new team's first
    sheet: nothing to *re*print)."""
    ids = [v["id"] for v in pending]
    if not ids:
        return False
    marks = ",".join("?" * len(ids))
    printed = db.execute(
        f"select count(*) from families where id in ({marks}) and sticker_printed_at is not null",
        ids,
    ).fetchone()[0]
    return printed == 0


def open_tiles(db: Database, team: dict, *, unprinted: bool = False) -> list[dict]:
    """The team's open families as stored, in board order; with ``unprinted``, only
    those whose tile is not yet marked printed."""
    return [r for r in open_rows(db, team) if not (unprinted and r["tile_printed_at"])]


#: How tiles can be chosen for a sheet: by token, every open family, or those not printed.
TILE_CHOICES = ("all", "unprinted")


def tiles_to_print(
    db: Database, team: dict, tokens: Iterable[str] = (), which: str | None = None
) -> list[dict]:
    """The families whose tiles go on a sheet: those named by ``tokens`` (in that order),
    or ``which`` = "all" open families or the "unprinted" ones (board order).

    Exactly one way of choosing; an unknown token is a :class:`NotFound` naming it, and
    an empty choice is a :class:`BadInput`, so nothing is written for either.
    """
    tokens = [t for t in tokens if t and t.strip()]
    if which is not None and which not in TILE_CHOICES:
        raise BadInput(f"choose all or unprinted tiles, not {which!r}")
    if bool(tokens) == bool(which):
        raise BadInput("choose tiles: tokens, all or unprinted (one of them)")
    if tokens:
        return _team_rows(db, team, tokens)
    rows = open_tiles(db, team, unprinted=which == "unprinted")
    if not rows:
        reason = "every tile is printed" if which == "unprinted" else "no open families"
        raise BadInput(f"no tiles to print: {reason}")
    return rows


def stickers_to_print(
    db: Database,
    team: dict,
    tokens: Iterable[str] = (),
    *,
    pending: bool = False,
    today: date | None = None,
) -> list[dict]:
    """The family views whose date stickers go on a sheet, in board order: those named by
    ``tokens``, or every ``pending`` one (see :func:`pending_stickers`).

    Exactly one way of choosing; an unknown token is a :class:`NotFound` naming it, a
    closed case (which has no sticker) or an empty queue a :class:`BadInput`.
    """
    today = today or team_today(team)
    tokens = [t for t in tokens if t and t.strip()]
    if bool(tokens) == pending:
        raise BadInput("choose stickers: tokens or pending (one of them)")
    if pending:
        chosen = pending_stickers(db, team, today)
        if not chosen:
            raise BadInput("no date stickers to print: every sticker is up to date")
        return chosen
    wanted = {r["token"] for r in _team_rows(db, team, tokens)}
    chosen = [v for v in list_families(db, team, today=today) if v["token"] in wanted]
    closed = wanted - {v["token"] for v in chosen}
    if closed:
        raise BadInput(f"no date sticker for a closed case: {', '.join(sorted(closed))}")
    return chosen


def _team_rows(db: Database, team: dict, tokens: Iterable[str]) -> list[dict]:
    """The team's rows for ``tokens``; any token not in this team is an error before
    anything is written (:func:`unknown_tokens`: another team's token reads as made up)."""
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
        raise unknown_tokens(missing)
    return [rows[t] for t in wanted]


def mark_stickers_printed(
    db: Database,
    team: dict,
    tokens: Iterable[str],
    *,
    actor: Actor,
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
            changes = {
                "sticker_status": view["status"],
                "sticker_review": view["next_review"],
                "sticker_printed_at": now,
            }
            detail = {"status": view["status"], "review": view["next_review"]}
            kind = events.STICKER_PRINTED
            change_family(db, view, team, kind, changes, detail, actor=actor)
    return [family_view(db, db["families"].get(v["id"]), team, today) for v in views]


def mark_tiles_printed(
    db: Database,
    team: dict,
    tokens: Iterable[str],
    *,
    actor: Actor,
) -> list[dict]:
    """Record that these families' tiles printed (so ``--unprinted`` leaves them out)."""
    rows = _team_rows(db, team, tokens)
    changes = {"tile_printed_at": utcnow()}
    with db.atomic():
        return [
            change_family(db, row, team, events.TILE_PRINTED, changes, {}, actor=actor)
            for row in rows
        ]
