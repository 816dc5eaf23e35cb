"""Failed log-ins, counted per user name and address, so guessing passwords is slow.

A failure is kept for ``window`` seconds. Once a (user name, address) pair has
``attempts`` failures within the window, it waits until the oldest one ages out;
a successful log-in clears the pair's failures. User names are counted without
regard to case.
"""

from __future__ import annotations

import time

from sqlite_utils import Database


def record_login_failure(
    db: Database, username: str, address: str, window: float, now: float | None = None
) -> None:
    """Note a failed log-in, and forget every failure older than ``window`` seconds."""
    now = time.time() if now is None else now
    with db.atomic():
        db.execute("delete from login_failures where at < ?", [now - window])
        db["login_failures"].insert({"username": username.lower(), "ip": address, "at": now})


def login_retry_after(
    db: Database,
    username: str,
    address: str,
    *,
    attempts: int,
    window: float,
    now: float | None = None,
) -> float:
    """Seconds until (``username``, ``address``) may try again: 0 while it has had fewer
    than ``attempts`` failures in the last ``window`` seconds."""
    now = time.time() if now is None else now
    failures = [
        r["at"]
        for r in db.query(
            "select at from login_failures where username = ? and ip = ? and at > ? order by at",
            [username.lower(), address, now - window],
        )
    ]
    if len(failures) < attempts:
        return 0.0
    return max(0.0, window - (now - failures[-attempts]))


def clear_login_failures(db: Database, username: str, address: str) -> None:
    """A successful log-in: the pair starts afresh."""
    db.execute(
        "delete from login_failures where username = ? and ip = ?", [username.lower(), address]
    )
