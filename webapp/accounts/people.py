"""People beyond their own team: email addresses, the teams a user reads, and who a
team's alerts go to (docs/contract.md §9).

Every user has a home team (``users.team_id``); service managers and heads of practice
may also be members of further teams (``team_members``) (a service) and read all of them.
An alert for a role ("service manager", "head of practice", "team manager") goes to the
team's own recipients for that role when it names some, else to the active members of
the team holding the matching user role.
"""

from __future__ import annotations

import re

from sqlite_utils import Database

from webapp.accounts.roles import HOP, SM, TM
from webapp.accounts.teams import get_team, team_by_id
from webapp.errors import BadInput, NotFound

SERVICE_MANAGER, HEAD_OF_PRACTICE = "service-manager", "head-of-practice"
MULTI_TEAM_ROLES = (SERVICE_MANAGER, HEAD_OF_PRACTICE)
#: The alert roles of the review rules, and the user role that holds each.
ROLE_HOLDERS = {SM: SERVICE_MANAGER, HOP: HEAD_OF_PRACTICE, TM: "manager"}
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


def check_email(db: Database, email: str, *, user_id: int | None = None) -> str:
    """``email`` tidied, or :class:`BadInput` when it is not an address or is taken."""
    email = (email or "").strip()
    if not _EMAIL.match(email):
        raise BadInput(f"not an email address: {email!r}")
    taken = list(db["users"].rows_where("email = ? collate nocase", [email]))
    if any(r["id"] != user_id for r in taken):
        raise BadInput(f"another user already has the email address {email}")
    return email


def set_email(db: Database, user: dict, email: str) -> dict:
    db["users"].update(user["id"], {"email": check_email(db, email, user_id=user["id"])})
    return db["users"].get(user["id"])


def user_by_email(db: Database, email: str) -> dict | None:
    """The active user whose email address is ``email`` (any case), or None."""
    rows = list(db["users"].rows_where("email = ? collate nocase and active = 1", [email or ""]))
    return rows[0] if rows else None


def is_their_case(worker: str | None, user: dict) -> bool:
    """True when a case's worker names ``user``: their username, full name or email."""
    worker = " ".join((worker or "").lower().split())
    names = (user.get("username"), user.get("full_name"), user.get("email"))
    return bool(worker) and worker in {" ".join(n.lower().split()) for n in names if n}


def add_memberships(db: Database, user_id: int, teams: list[dict]) -> None:
    db["team_members"].insert_all(
        ({"user_id": user_id, "team_id": t["id"]} for t in teams), ignore=True
    )


def join_team(db: Database, user: dict, team_name: str) -> dict:
    """Make a service manager or head of practice a member of one more team."""
    if user["role"] not in MULTI_TEAM_ROLES:
        raise BadInput(f"only {' and '.join(MULTI_TEAM_ROLES)} belong to several teams")
    team = get_team(db, team_name)
    add_memberships(db, user["id"], [team])
    return team


def user_team_ids(db: Database, user: dict) -> list[int]:
    """The ids of the teams ``user`` reads: the home team first, then the others."""
    others = [
        r["team_id"]
        for r in db.query(
            "select team_id from team_members where user_id = ? order by team_id", [user["id"]]
        )
        if r["team_id"] != user["team_id"]
    ]
    return [user["team_id"], *others]


def user_teams(db: Database, user: dict) -> list[dict]:
    """The teams ``user`` reads, home team first, in one query (a service manager's team
    switcher draws them on every page)."""
    return list(
        db.query(
            """select * from (
                 select t.* from teams t where t.id = :home
                 union
                 select t.* from team_members m join teams t on t.id = m.team_id
                 where m.user_id = :user
               ) order by id != :home, id""",
            {"home": user["team_id"], "user": user["id"]},
        )
    )


def readable_team(db: Database, user: dict, team_id: int | str | None) -> dict:
    """The team ``team_id`` when ``user`` reads it, else their home team (one query)."""
    try:
        wanted = int(team_id)
    except (TypeError, ValueError):
        wanted = user["team_id"]
    rows = db.query(
        """select t.* from teams t
           where t.id = :home or (t.id = :wanted and exists (
             select 1 from team_members m where m.user_id = :user and m.team_id = t.id))
           order by t.id != :wanted limit 1""",
        {"home": user["team_id"], "wanted": wanted, "user": user["id"]},
    )
    return next(iter(rows), None) or team_by_id(db, user["team_id"])


def team_recipients(db: Database, team: dict) -> dict[str, list[dict]]:
    """Alert role -> the users the team named for it (roles it named nobody for are absent)."""
    found: dict[str, list[dict]] = {}
    for r in db.query(
        """select r.role, u.* from team_recipients r join users u on u.id = r.user_id
           where r.team_id = ? order by u.username""",
        [team["id"]],
    ):
        role = r.pop("role")
        found.setdefault(role, []).append(r)
    return found


def set_team_recipients(db: Database, team: dict, role: str, usernames: list[str]) -> list[dict]:
    """Name the team's own recipients for an alert ``role``; an empty list goes back to
    the holders of the matching user role."""
    if role not in ROLE_HOLDERS:
        raise BadInput(f"role must be one of {', '.join(ROLE_HOLDERS)}, not {role!r}")
    users = []
    for name in usernames:
        rows = list(db["users"].rows_where("username = ?", [name]))
        if not rows:
            raise NotFound(f"no user called {name!r}")
        users.append(rows[0])
    with db.atomic():
        db.execute("delete from team_recipients where team_id = ? and role = ?", [team["id"], role])
        db["team_recipients"].insert_all(
            {"team_id": team["id"], "role": role, "user_id": u["id"]} for u in users
        )
    return users


def role_holders(db: Database, team: dict, role: str) -> list[dict]:
    """The active users an alert for ``role`` in ``team`` goes to."""
    named = team_recipients(db, team).get(role)
    if named is not None:
        return [u for u in named if u["active"]]
    user_role = ROLE_HOLDERS.get(role, role)
    return list(
        db.query(
            """select * from (
                 select u.* from users u where u.team_id = :team and u.role = :role
                 union
                 select u.* from team_members m join users u on u.id = m.user_id
                 where m.team_id = :team and u.role = :role
               ) where active = 1 order by username""",
            {"team": team["id"], "role": user_role},
        )
    )
