"""Teams, their six boards and their settings."""

from __future__ import annotations

import json
import os
from datetime import date

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from tilegen import domain
from tilegen.payload import normalise_base_url
from tilegen.standard import (
    STAGES,
    BoardGeometry,
    check_marker_base,
    zones_from_dicts,
)
from webapp.errors import BadInput, NotFound
from webapp.store.connection import utcnow
from webapp.values.bounds import check_text
from webapp.values.flags import DEFAULT_FLAGS

DEFAULT_BASE_URL = "http://127.0.0.1:5000"

#: Case types from the source documents (docs/policies.md: CIN and CP from the Kent policy,
#: CLA from the Islington policy, 16.4, s.31 and s.25 from the Cafcass triggers); the flags
#: are the review rules' own.
DEFAULT_CASE_TYPES = ["CIN", "CP", "CLA", "16.4", "s.31", "s.25"]
DEFAULT_SETTINGS = {
    "case_types": DEFAULT_CASE_TYPES,
    "flags": DEFAULT_FLAGS,
    "printer": {"x_offset_mm": 0.0, "y_offset_mm": 0.0, "paper": "A4"},
}


def create_team(db: Database, name: str, *, marker_base: int = 0, amber_days: int = 14) -> dict:
    """A team with its six boards at the default geometry."""
    name = check_text(name, "team")
    if not name:
        raise BadInput("team name must not be empty")
    if db["teams"].count_where("name = ?", [name]):
        raise BadInput(f"team {name!r} already exists")
    try:
        check_marker_base(marker_base)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    with db.atomic():
        team_id = (
            db["teams"]
            .insert(
                {
                    "name": name,
                    "amber_days": amber_days,
                    "marker_base": marker_base,
                    "timezone": domain.DEFAULT_TIMEZONE,
                    "settings": json.dumps(DEFAULT_SETTINGS),
                    "created_at": utcnow(),
                }
            )
            .last_pk
        )
        geometry = BoardGeometry(1)
        db["boards"].insert_all(
            {
                "team_id": team_id,
                "stage": stage,
                "name": stage_name,
                "width_mm": geometry.width_mm,
                "height_mm": geometry.height_mm,
                "marker_mm": geometry.marker_mm,
                "zones": None,
            }
            for stage, stage_name in STAGES.items()
        )
    return db["teams"].get(team_id)


def ensure_team(db: Database, name: str) -> dict:
    """The team called ``name``, created if it does not exist yet."""
    rows = list(db["teams"].rows_where("name = ?", [name]))
    return rows[0] if rows else create_team(db, name)


def get_team(db: Database, name: str | None = None) -> dict:
    """The named team, or the only team when no name is given."""
    if name is not None:
        rows = list(db["teams"].rows_where("name = ?", [name]))
        if not rows:
            raise NotFound(f"no team called {name!r}")
        return rows[0]
    rows = list(db["teams"].rows_where(order_by="id", limit=2))
    if not rows:
        raise NotFound("the store has no team yet: run `caseboard init --team NAME`")
    if len(rows) > 1:
        raise BadInput("the store has several teams: say which with --team")
    return rows[0]


def team_by_id(db: Database, team_id: int) -> dict:
    """The team with id ``team_id`` (sqlite-utils' ``NotFoundError`` when there is none),
    in one query: ``db["teams"].get`` first reads the table's columns."""
    row = db.execute("select * from teams where id = ?", [team_id])
    found = row.fetchone()
    if found is None:
        raise NotFoundError(f"no team with id {team_id}")
    return dict(zip([c[0] for c in row.description], found, strict=True))


def team_count(db: Database) -> int:
    """How many teams the store holds."""
    return db["teams"].count


def team_settings(team: dict) -> dict:
    """The team's settings merged over the defaults."""
    stored = json.loads(team.get("settings") or "{}")
    merged = {**DEFAULT_SETTINGS, **stored}
    merged["printer"] = {**DEFAULT_SETTINGS["printer"], **stored.get("printer", {})}
    return merged


def update_team_settings(db: Database, team: dict, **changes) -> dict:
    """Merge ``changes`` into the team's JSON settings."""
    settings = json.loads(team.get("settings") or "{}")
    settings.update(changes)
    db["teams"].update(team["id"], {"settings": json.dumps(settings)})
    return db["teams"].get(team["id"])


def team_today(team: dict) -> date:
    """Today in the team's time zone: the date every status is computed against."""
    return domain.today(team.get("timezone") or domain.DEFAULT_TIMEZONE)


def boards(db: Database, team: dict) -> list[dict]:
    return list(db["boards"].rows_where("team_id = ?", [team["id"]], order_by="stage"))


def board_geometry(board: dict) -> BoardGeometry:
    """The physical geometry of a stored board."""
    zones = zones_from_dicts(json.loads(board["zones"])) if board.get("zones") else None
    kwargs = {"zones": zones} if zones is not None else {}
    return BoardGeometry(
        board["stage"],
        width_mm=board["width_mm"],
        height_mm=board["height_mm"],
        marker_mm=board["marker_mm"],
        **kwargs,
    )


def geometries(db: Database, team: dict) -> dict[int, BoardGeometry]:
    """Stage -> geometry for the team's six boards."""
    return {board["stage"]: board_geometry(board) for board in boards(db, team)}


def stage_names(db: Database, team: dict) -> dict[int, str]:
    return {board["stage"]: board["name"] for board in boards(db, team)}


def scan_settings(db: Database, team: dict) -> dict:
    """What the scanner needs from the store: geometries and the marker base."""
    return {"geometries": geometries(db, team), "marker_base": team["marker_base"]}


def get_setting(db: Database, key: str, default: str | None = None) -> str | None:
    row = db.execute("select value from settings where key = ?", [key]).fetchone()
    return row[0] if row else default


def set_setting(db: Database, key: str, value: str) -> None:
    db["settings"].upsert({"key": key, "value": value}, pk="key")


def public_base_url(db: Database, team: dict | None = None) -> str:
    """The address printed into tile QR codes.

    ``$CASEBOARD_BASE_URL`` wins, then the team's own setting, then the store's,
    then the local server's address (the demo default).
    """
    candidates = [
        os.environ.get("CASEBOARD_BASE_URL"),
        team.get("base_url") if team else None,
        get_setting(db, "base_url"),
    ]
    for value in candidates:
        if value:
            try:
                return normalise_base_url(value)
            except ValueError as exc:
                raise BadInput(str(exc)) from None
    return DEFAULT_BASE_URL
