"""Failed log-ins, counted so guessing passwords is slow: per (user name, address), per
user name from any address, and per address across every user name (so spraying one
password over many user names is slowed down as much as guessing one user's).

A failure is kept for ``window`` seconds. Once a count reaches its limit within the
window, log-ins it covers wait until the oldest counted failure ages out. A successful
log-in clears the (user name, address) pair's failures. User names are counted without
regard to case.
"""

from __future__ import annotations

import time

from sqlite_utils import Database

#: Failures allowed within the window, per count (the app's config can change them).
PER_PAIR = 5
PER_USER = 10
PER_ADDRESS = 30


def record_login_failure(
    db: Database, username: str, address: str, window: float, now: float | None = None
) -> None:
    """Note a failed log-in, and forget every failure older than ``window`` seconds."""
    now = time.time() if now is None else now
    with db.atomic():
        db.execute("delete from login_failures where at < ?", [now - window])
        db["login_failures"].insert({"username": username.lower()[:200], "ip": address, "at": now})


def _wait(times: list[float], limit: int, window: float, now: float) -> float:
    """Seconds until fewer than ``limit`` of ``times`` (ascending) lie in the window."""
    if len(times) < limit:
        return 0.0
    return max(0.0, window - (now - times[-limit]))


def login_retry_after(
    db: Database,
    username: str,
    address: str,
    *,
    attempts: int = PER_PAIR,
    window: float,
    user_attempts: int = PER_USER,
    address_attempts: int = PER_ADDRESS,
    now: float | None = None,
) -> float:
    """Seconds until (``username``, ``address``) may try again: 0 while every count is
    under its limit in the last ``window`` seconds."""
    now = time.time() if now is None else now
    name = username.lower()
    rows = list(
        db.query(
            "select username, ip, at from login_failures "
            "where (username = ? or ip = ?) and at > ? order by at",
            [name, address, now - window],
        )
    )
    pair = [r["at"] for r in rows if r["username"] == name and r["ip"] == address]
    user = [r["at"] for r in rows if r["username"] == name]
    addr = [r["at"] for r in rows if r["ip"] == address]
    return max(
        _wait(pair, attempts, window, now),
        _wait(user, user_attempts, window, now),
        _wait(addr, address_attempts, window, now),
    )


def clear_login_failures(db: Database, username: str, address: str) -> None:
    """A successful log-in: the pair starts afresh."""
    db.execute(
        "delete from login_failures where username = ? and ip = ?", [username.lower(), address]
    )
