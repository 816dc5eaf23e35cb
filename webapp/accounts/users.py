"""Users, roles and API tokens. Passwords use werkzeug's hashing; API tokens are
random and stored only as a SHA-256 digest (they carry 256 bits, so a slow
hash would add nothing but latency to every API call)."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.accounts import people
from webapp.accounts.passwords import MAX_PASSWORD, check_password
from webapp.accounts.teams import get_team
from webapp.errors import BadInput, NotFound
from webapp.store.connection import utcnow
from webapp.store.epoch import session_epoch
from webapp.values.bounds import MAX_ID, check_id, check_text

ROLES = ("admin", "manager", "practitioner", "service-manager", "head-of-practice")
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
    judge_password: bool = True,
) -> dict:
    """A new user in a team (the only team when none is named). ``judge_password`` is
    false only for the demo's users, whose password is published on purpose.

    ``teams`` are further teams the user reads (service managers and heads of practice
    belong to several; :mod:`webapp.accounts.people`)."""
    username = username.strip()
    if not username or any(c.isspace() for c in username):
        raise BadInput(f"username must be one word, not {username!r}")
    check_text(username, "username")
    if role not in ROLES:
        raise BadInput(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if judge_password:
        check_password(password, username, full_name)
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
    if not 0 < user_id <= MAX_ID:
        return None
    rows = list(db["users"].rows_where("id = ?", [user_id]))
    return rows[0] if rows else None


def list_users(db: Database) -> list[dict]:
    """Every user (never a password hash), by name: id, username, role, home team, email,
    full name, active, created."""
    return [
        {**row, "active": bool(row["active"])}
        for row in db.query(
            """select u.id, u.username, u.role, t.name as team, u.email, u.full_name,
                      u.active, u.created_at
               from users u left join teams t on t.id = u.team_id order by u.username"""
        )
    ]


def team_users(db: Database, team: dict) -> list[dict]:
    """The team's users, by name."""
    return list(db["users"].rows_where("team_id = ?", [team["id"]], order_by="username"))


@cache
def _dummy_hash() -> str:
    """A hash to check unknown user names against, so they take as long as known ones."""
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(db: Database, username: str, password: str) -> dict | None:
    """The active user with this name and password, or None.

    An unknown or inactive user name is checked against a dummy hash, so the time
    taken does not tell which user names exist.
    """
    rows = list(db["users"].rows_where("username = ? and active = 1", [username]))
    stored = rows[0]["password_hash"] if rows else _dummy_hash()
    if check_password_hash(stored, password[:MAX_PASSWORD]) and rows:
        return rows[0]
    return None


def set_password(db: Database, user: dict, password: str) -> None:
    """A new password: every session, remember cookie and API token of the user ends
    with it."""
    check_password(password, user["username"], user.get("full_name"))
    with db.atomic():
        db["users"].update(user["id"], {"password_hash": generate_password_hash(password)})
        end_sessions(db, user["id"], api_tokens=True)


def end_sessions(db: Database, user_id: int, *, api_tokens: bool = False) -> None:
    """Bump the user's session generation: every earlier session and remember cookie is
    refused from now on (logout, password change or reset, deactivation, "sign out
    everywhere"). With ``api_tokens`` (all but a plain logout) the user's API tokens are
    revoked too: a token copied by whoever had the account must not outlive it."""
    db.execute("update users set session_gen = session_gen + 1 where id = ?", [user_id])
    if api_tokens:
        db.execute(
            "update api_tokens set revoked_at = ? where user_id = ? and revoked_at is null",
            [utcnow(), user_id],
        )


def session_id(user: dict, epoch: str = "") -> str:
    """What a session and remember cookie carry for ``user``:
    ``<id>:<generation>[:<epoch>]``."""
    base = f"{user['id']}:{user.get('session_gen') or 0}"
    return f"{base}:{epoch}" if epoch else base


def user_for_session(db: Database, value: str) -> dict | None:
    """The active user a session's ``<id>:<generation>[:<epoch>]`` names, or None when
    the user is gone, inactive, has ended that generation's sessions, or the store was
    restored since (a new epoch)."""
    user_id, _, rest = str(value).partition(":")
    generation, _, epoch = rest.partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None
    row = user_by_id(db, user_id)
    if row is None or not row["active"] or (row.get("session_gen") or 0) != int(generation):
        return None
    if not secrets.compare_digest(epoch, session_epoch(db)):
        return None
    return row


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
    """The active user a bearer token belongs to, or None (also for a revoked token)."""
    rows = list(
        db.query(
            """select u.* from api_tokens t join users u on u.id = t.user_id
               where t.token_hash = ? and u.active = 1 and t.revoked_at is null""",
            [_digest(token)],
        )
    )
    return rows[0] if rows else None


def api_tokens(db: Database, *, team: dict | None = None, username: str | None = None):
    """API tokens (never the token itself: its first characters, who, when, revoked)."""
    where, params = ["1 = 1"], []
    if team is not None:
        where.append("u.team_id = ?")
        params.append(team["id"])
    if username is not None:
        where.append("u.id = ?")
        params.append(get_user(db, username)["id"])
    return list(
        db.query(
            f"""select t.id, t.prefix, u.username, u.team_id, t.created_at, t.last_used_at,
                       t.revoked_at
                from api_tokens t join users u on u.id = t.user_id
                where {" and ".join(where)} order by t.id""",
            params,
        )
    )


def revoke_api_token(db: Database, token_id: int | str, *, team: dict | None = None) -> dict:
    """Revoke a token by its id (within ``team`` when given); revoking twice is a no-op."""
    token_id = check_id(token_id, "token id")
    rows = [r for r in api_tokens(db, team=team) if r["id"] == token_id]
    if not rows:
        raise NotFound(f"no API token {token_id}")
    if not rows[0]["revoked_at"]:
        db["api_tokens"].update(token_id, {"revoked_at": utcnow()})
    return [r for r in api_tokens(db, team=team) if r["id"] == token_id][0]
