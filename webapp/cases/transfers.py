"""A case moved to another team (docs/contract.md §6, §12): the sending team keeps its
history of the case for the time it held it, and the receiving team's starts on the
transfer day."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from webapp.accounts.teams import get_team
from webapp.cases.families import parse_stage
from webapp.cases.lifecycle import _log, _open_case, effective_date
from webapp.errors import BadInput
from webapp.store import access_log, events
from webapp.store.connection import utcnow
from webapp.values.actor import Actor

#: Rows of a case that stay with the team that recorded them: its history (§12).
_KEPT_TABLES = {"audit", "events", "follow_ups"}
#: For tables of dated rows, the date column: rows dated before the transfer stay with
#: the sending team (its supervision, its clinic, its alerts), later ones move.
_DATE_COLUMNS = {
    "discussions": "on_date",
    "manager_alerts": "due_on",
    "clinic_requests": "requested_on",
    "clinic_bookings": "day",
    "interim_assessments": "on_date",
    "legal_steps": "on_date",
}


def _family_tables(db: Database) -> list[str]:
    return [
        name
        for name in db.table_names()
        if name not in _KEPT_TABLES
        and name != "families"
        and {"team_id", "family_id"} <= set(db[name].columns_dict)
    ]


def _move_rows(db: Database, row: dict, new_team: dict, day: date) -> None:
    """Move the case's rows that look forward from ``day`` to the new team."""
    for table in _family_tables(db):
        where, params = "family_id = ?", [row["id"]]
        if table in _DATE_COLUMNS:
            where += f" and [{_DATE_COLUMNS[table]}] >= ?"
            params.append(day.isoformat())
        elif table == "agenda_requests":
            where += " and resolved_at is null"
        db.execute(f"update [{table}] set team_id = ? where {where}", [new_team["id"], *params])


def transfer_case(
    db: Database,
    row: dict,
    team: dict,
    to_team: str,
    *,
    stage: str | int | None = None,
    on: str | date | None = None,
    actor: Actor,
) -> tuple[dict, dict]:
    """Move an open case to another team with its token (the printed tile stays valid)
    onto stage ``stage`` (default the same number) of the new team's boards. The sending
    team keeps its history of the case for the time it held it; the receiving team's
    starts on the transfer day (docs/contract.md §12). Both teams' audit logs record it;
    the old team no longer finds the token. Returns (updated row, new team)."""
    _open_case(row, "transferring it")
    new_team = get_team(db, to_team)
    if new_team["id"] == team["id"]:
        raise BadInput(f"{row['token']} is already with {team['name']}")
    new_stage = parse_stage(stage) if stage not in (None, "") else row["stage"]
    day = effective_date(row, team, on, "transfer date")
    detail = {
        "from_team": team["name"],
        "to_team": new_team["name"],
        "from_team_id": team["id"],
        "to_team_id": new_team["id"],
        "stage": {"from": row["stage"], "to": new_stage},
    }
    with db.atomic():
        db["families"].update(
            row["id"],
            {
                "team_id": new_team["id"],
                "stage": new_stage,
                # Not seen on the new team's boards yet.
                "last_stage": None,
                "last_zone": None,
                "last_x_mm": None,
                "last_y_mm": None,
                "last_seen_at": None,
                "updated_at": utcnow(),
            },
        )
        _move_rows(db, row, new_team, day)
        events.record_event(
            db, new_team, row["id"], events.TRANSFERRED, detail, actor=actor, on=day
        )
        for side in (team, new_team):
            _log(db, row, side, access_log.CASE_TRANSFER, detail, day, actor=actor)
    return db["families"].get(row["id"]), new_team


def other_team_names(db: Database, team: dict) -> list[str]:
    """The teams a case of ``team`` can be transferred to, by name."""
    return [
        r["name"]
        for r in db["teams"].rows_where("id != ?", [team["id"]], order_by="name", select="name")
    ]
