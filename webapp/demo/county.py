"""A county-sized store: many teams, each with the demo's year of history, for the
county benchmark and the tests that check queries stay per team.

Each team is filled by :func:`webapp.demo.history.generate_history` with its own seed,
and gets an admin, a manager and a practitioner (``<role>-<n>``); one service manager
(``county-sm``) reads every team. Passwords are the demo's.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from webapp.accounts.people import add_memberships
from webapp.accounts.teams import create_team
from webapp.accounts.users import add_user
from webapp.demo.build import DEMO_PASSWORD
from webapp.demo.history import generate_history

SERVICE_MANAGER = "county-sm"
TEAM_ROLES = ("admin", "manager", "practitioner")
DOMAIN = "county.example"


def team_name(n: int) -> str:
    return f"County team {n:03d}"


def build_county(
    db: Database,
    teams: int,
    *,
    families: int = 40,
    days: int = 365,
    today: date | None = None,
    hash_password=None,
) -> list[dict]:
    """Add ``teams`` teams with history and users; return the teams.

    ``hash_password`` (optional) replaces werkzeug's password hash while the users are
    made: hashing hundreds of passwords properly costs minutes and measures nothing.
    """
    import webapp.accounts.users as users_module

    made = []
    original = users_module.generate_password_hash
    if hash_password is not None:
        users_module.generate_password_hash = hash_password
    try:
        for n in range(1, teams + 1):
            team = create_team(db, team_name(n))
            for role in TEAM_ROLES:
                name = f"{role}-{n}"
                add_user(db, name, role, DEMO_PASSWORD, team["name"], email=f"{name}@{DOMAIN}",
                         judge_password=False)  # fmt: skip
            generate_history(db, team, days=days, families=families, seed=n, today=today)
            made.append(team)
        manager = add_user(db, SERVICE_MANAGER, "service-manager", DEMO_PASSWORD,
                           made[0]["name"], email=f"{SERVICE_MANAGER}@{DOMAIN}",
                           judge_password=False)  # fmt: skip
        add_memberships(db, manager["id"], made[1:])
    finally:
        users_module.generate_password_hash = original
    return made
