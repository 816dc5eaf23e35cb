"""The core schema, versioned with sqlite-utils migrations.

Migrations are recorded in ``_sqlite_migrations``; an old store upgrades in
place the next time it is opened. Add a new function at the end; never edit
one that has shipped. Other areas (web, rules) keep their own named sets.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.core")


@migrations()
def m001_initial(db):
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["teams"].create(
        {
            "id": int,
            "name": str,
            "amber_days": int,
            "marker_base": int,
            "timezone": str,
            "base_url": str,
            "settings": str,  # JSON: printer offsets, paper, case types, flags, limits
            "created_at": str,
        },
        pk="id",
        not_null={"name", "amber_days", "marker_base", "timezone"},
        defaults={
            "amber_days": 14,
            "marker_base": 0,
            "timezone": "Europe/London",
            "settings": "{}",
        },
    )
    db["teams"].create_index(["name"], unique=True)
    db["boards"].create(
        {
            "id": int,
            "team_id": int,
            "stage": int,
            "name": str,
            "width_mm": float,
            "height_mm": float,
            "marker_mm": float,
            "zones": str,  # JSON list of zones, NULL for the default zones
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "stage", "name"},
    )
    db["boards"].create_index(["team_id", "stage"], unique=True)
    db["users"].create(
        {
            "id": int,
            "username": str,
            "password_hash": str,
            "role": str,
            "team_id": int,
            "active": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"username", "role"},
        defaults={"active": 1},
    )
    db["users"].create_index(["username"], unique=True)
    db["api_tokens"].create(
        {
            "id": int,
            "user_id": int,
            "token_hash": str,
            "prefix": str,
            "created_at": str,
            "last_used_at": str,
        },
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
        not_null={"user_id", "token_hash"},
    )
    db["api_tokens"].create_index(["token_hash"], unique=True)
    db["families"].create(
        {
            "id": int,
            "team_id": int,
            "token": str,
            "initials": str,
            "ref": str,
            "worker": str,
            "stage": int,
            "next_review": str,  # ISO date
            "opened": str,
            "closed": str,  # ISO date, NULL while open
            "case_type": str,
            # where the tile was last seen on the wall
            "last_stage": int,
            "last_zone": str,
            "last_x_mm": float,
            "last_y_mm": float,
            "last_seen_at": str,
            # printing
            "tile_printed_at": str,
            "sticker_status": str,  # what the last printed sticker showed
            "sticker_review": str,
            "sticker_printed_at": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "token", "initials", "stage"},
    )
    db["families"].create_index(["token"], unique=True)
    db["families"].create_index(["team_id", "stage"])
    db["flags"].create(
        {"id": int, "family_id": int, "name": str, "added_on": str, "removed_on": str},
        pk="id",
        foreign_keys=[("family_id", "families", "id")],
        not_null={"family_id", "name", "added_on"},
    )
    db["flags"].create_index(["family_id"])
    db["events"].create(
        {
            "id": int,
            "team_id": int,
            "family_id": int,
            "at": str,  # UTC ISO timestamp
            "on_date": str,  # the team-local date it happened on
            "kind": str,
            "detail": str,  # JSON
            "user_id": int,
            "source": str,  # cli, web, scan, api
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id"), ("family_id", "families", "id")],
        not_null={"team_id", "at", "kind"},
    )
    db["events"].create_index(["family_id", "at"])
    db["events"].create_index(["team_id", "kind", "at"])
