"""A team's saved column mappings, so next month's import is one command.

Only header names are stored (``{"first_name": "Child first name", ...}``), never a cell.
"""

from __future__ import annotations

import json

from webapp.accounts.teams import team_settings, update_team_settings
from webapp.cases.imports.columns import FIELDS
from webapp.cases.imports.words import DEFAULT_WORDS, parse_synonyms, synonyms_text
from webapp.errors import BadInput, NotFound
from webapp.store.connection import utcnow

#: The mapping the admin page reads and saves.
PAGE_MAPPING = "default"


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 60 or not name.isprintable():
        raise BadInput("a mapping name must be 1 to 60 printable characters")
    return name


def get_mapping(db, team: dict, name: str) -> dict[str, str]:
    rows = list(
        db["import_mappings"].rows_where("team_id = ? and name = ?", [team["id"], name.strip()])
    )
    if not rows:
        raise NotFound(f"no saved mapping called {name!r} for team {team['name']!r}")
    return json.loads(rows[0]["columns"])


def find_mapping(db, team: dict, name: str) -> dict[str, str]:
    """The saved mapping, or an empty one."""
    try:
        return get_mapping(db, team, name)
    except NotFound:
        return {}


def save_mapping(db, team: dict, name: str, columns: dict[str, str]) -> None:
    """Save (or replace) a named mapping of ``field -> header`` for the team."""
    name = _check_name(name)
    columns = {k: v for k, v in columns.items() if k in FIELDS}
    now = utcnow()
    with db.atomic():
        db.execute(
            """insert into import_mappings (team_id, name, columns, created_at, updated_at)
               values (?, ?, ?, ?, ?)
               on conflict (team_id, name) do update
               set columns = excluded.columns, updated_at = excluded.updated_at""",
            [team["id"], name, json.dumps(columns, sort_keys=True), now, now],
        )


def list_mappings(db, team: dict) -> list[str]:
    return [
        r["name"]
        for r in db.query(
            "select name from import_mappings where team_id = ? order by name", [team["id"]]
        )
    ]


def forget_mapping(db, team: dict, name: str = PAGE_MAPPING) -> bool:
    """Forget a saved mapping: the next file is read by the common header names."""
    with db.atomic():
        cursor = db.execute(
            "delete from import_mappings where team_id = ? and name = ?", [team["id"], name]
        )
    return cursor.rowcount > 0


def save_synonyms(db, team: dict, text: str) -> dict[str, str]:
    """Save the team's own words for case types and flags (``word = name`` lines)."""
    settings = team_settings(team)
    found = parse_synonyms(text, [*settings["case_types"], *settings["flags"]])
    with db.atomic():
        update_team_settings(db, db["teams"].get(team["id"]), import_words=found)
    return found


def import_settings(db, team: dict) -> dict:
    """What the admin page shows of the team's import settings."""
    return {
        "saved": find_mapping(db, team, PAGE_MAPPING),
        "words": synonyms_text(team_settings(team).get("import_words") or {}),
        "default_words": DEFAULT_WORDS,
    }
