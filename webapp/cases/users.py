"""Users, roles and API tokens. Passwords use werkzeug's hashing; API tokens are
random and stored only as a SHA-256 digest (they carry 256 bits, so a slow
hash would add nothing but latency to every API call)."""

from __future__ import annotations

import hashlib
import secrets

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.cases import people
from webapp.cases.teams import get_team
from webapp.errors import BadInput, NotFound
from webapp.store.connection import utcnow

ROLES = ("admin", "manager", "practitioner", "service-manager", "head-of-practice")
MIN_PASSWORD = 8
API_TOKEN_PREFIX = "cb_"


def add_user(
    db: Database,
    username: str,
    role: str,
    password: str,
    team_name: str | None = None,
    *,
    email: str | None = None,
    teams: list[str] = (),
    full_name: str | None = None,
) -> dict:
    """A new user in a team (the only team when none is named).

    ``teams`` are further teams the user reads (service managers and heads of practice
    belong to several; :mod:`webapp.cases.people`)."""
    username = username.strip()
    if not username or any(c.isspace() for c in username):
        raise BadInput(f"username must be one word, not {username!r}")
    if role not in ROLES:
        raise BadInput(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"password must be at least {MIN_PASSWORD} characters")
    if db["users"].count_where("username = ?", [username]):
        raise BadInput(f"user {username!r} already exists")
    team = get_team(db, team_name)
    email = people.check_email(db, email) if email else None
    extra = [get_team(db, name) for name in teams]
    if extra and role not in people.MULTI_TEAM_ROLES:
        raise BadInput(f"only {' and '.join(people.MULTI_TEAM_ROLES)} belong to several teams")
    with db.atomic():
        user_id = (
            db["users"]
            .insert(
                {
                    "username": username,
                    "password_hash": generate_password_hash(password),
                    "role": role,
                    "team_id": team["id"],
                    "active": 1,
                    "created_at": utcnow(),
                    "email": email,
                    "full_name": (full_name or "").strip() or None,
                }
            )
            .last_pk
        )
        people.add_memberships(db, user_id, [t for t in extra if t["id"] != team["id"]])
    return db["users"].get(user_id)


def get_user(db: Database, username: str) -> dict:
    rows = list(db["users"].rows_where("username = ?", [username]))
    if not rows:
        raise NotFound(f"no user called {username!r}")
    return rows[0]


def user_by_id(db: Database, user_id: int | str) -> dict | None:
    """The user row with this id, or None when there is none (a session can outlive its
    user, e.g. after an older store is restored)."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    rows = list(db["users"].rows_where("id = ?", [user_id]))
    return rows[0] if rows else None


def team_users(db: Database, team: dict) -> list[dict]:
    """The team's users, by name."""
    return list(db["users"].rows_where("team_id = ?", [team["id"]], order_by="username"))


def authenticate(db: Database, username: str, password: str) -> dict | None:
    """The active user with this name and password, or None."""
    rows = list(db["users"].rows_where("username = ? and active = 1", [username]))
    if rows and check_password_hash(rows[0]["password_hash"], password):
        return rows[0]
    return None


def set_password(db: Database, user: dict, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"password must be at least {MIN_PASSWORD} characters")
    db["users"].update(user["id"], {"password_hash": generate_password_hash(password)})


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(db: Database, username: str) -> str:
    """A new bearer token for ``username``; only its digest is kept."""
    user = get_user(db, username)
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    db["api_tokens"].insert(
        {
            "user_id": user["id"],
            "token_hash": _digest(token),
            "prefix": token[:8],
            "created_at": utcnow(),
        }
    )
    return token


def user_for_api_token(db: Database, token: str) -> dict | None:
    """The active user a bearer token belongs to, or None."""
    rows = list(
        db.query(
            """select u.* from api_tokens t join users u on u.id = t.user_id
               where t.token_hash = ? and u.active = 1""",
            [_digest(token)],
        )
    )
    return rows[0] if rows else None
