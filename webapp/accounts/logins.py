"""Failed log-ins, counted in the store so that guessing passwords is slow, even with
many requests at once and many server processes (docs/contract.md §17).

Three counts, each over the last ``window`` seconds:

* per (user name, client): ``PER_PAIR``. The client is the device cookie a browser got
  at an earlier log-in as that user when it carries one, else its address;
* per user name from any client: ``PER_USER``;
* per address across every user name: ``PER_ADDRESS`` (spraying one password over many
  user names is slowed down as much as guessing one user's).

A client the user has logged in from before (its device cookie, or its address) is held
only to the first count: failures by anyone else, from anywhere, or with made-up names
from a shared office address, cannot lock the real user out of a browser or an office
they have used.

Every attempt takes its place in the count *before* its password is checked, in one
``BEGIN IMMEDIATE`` transaction (:func:`reserve_attempt`), so forty requests at once get
no more password checks than the limit; a successful log-in gives its place back and
clears its pair. User names are counted without regard to case.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from sqlite_utils import Database

#: Failures allowed within the window, per count (the app's config can change them).
PER_PAIR = 5
PER_USER = 10
PER_ADDRESS = 30
#: How long a client stays known after the user last logged in from it.
KNOWN_FOR_S = 180 * 86400
ADDRESS, DEVICE = "address", "device"
#: Marks, per pair, that a refusal was logged in this window (not a failure).
REFUSED = "refused:"


@dataclass(frozen=True)
class Limits:
    window: float
    pair: int = PER_PAIR
    user: int = PER_USER
    address: int = PER_ADDRESS


@dataclass(frozen=True)
class Attempt:
    """A log-in attempt that holds its place in the counts: ``wait`` seconds until it may
    be tried (0: go ahead, and ``place`` is the row it holds)."""

    wait: float
    place: int | None = None
    known: bool = False
    first_refusal: bool = False


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _name(username: str) -> str:
    return username.lower()[:200]


def _pair_key(address: str, device: str | None, known_device: bool) -> str:
    return f"device:{digest(device)[:32]}" if device and known_device else address


def known_client(
    db: Database, username: str, address: str, device: str | None, now: float
) -> tuple[bool, bool]:
    """``(known, known_device)``: whether the user named has logged in from this device
    cookie, or from this address, within ``KNOWN_FOR_S``."""
    rows = list(
        db.query(
            """select c.kind from login_clients c join users u on u.id = c.user_id
               where lower(u.username) = ? and c.last_at > ?
                 and ((c.kind = 'address' and c.digest = ?)
                      or (c.kind = 'device' and c.digest = ?))""",
            [_name(username), now - KNOWN_FOR_S, digest(address), digest(device or "")],
        )
    )
    kinds = {r["kind"] for r in rows}
    return bool(kinds), DEVICE in kinds


def _wait(times: list[float], limit: int, window: float, now: float) -> float:
    """Seconds until fewer than ``limit`` of ``times`` (ascending) lie in the window."""
    if len(times) < limit:
        return 0.0
    return max(0.0, window - (now - times[-limit]))


def reserve_attempt(
    db: Database,
    username: str,
    address: str,
    limits: Limits,
    *,
    device: str | None = None,
    now: float | None = None,
) -> Attempt:
    """Count this attempt as a failure before its password is checked, unless a count is
    full; atomic, so parallel attempts cannot all slip under a limit."""
    now = time.time() if now is None else now
    name = _name(username)
    known, known_device = known_client(db, name, address, device, now)
    key = _pair_key(address, device, known_device)
    with db.atomic():
        db.execute("delete from login_failures where at < ?", [now - limits.window])
        rows = list(
            db.query(
                "select username, ip, at from login_failures "
                "where (username = ? or ip = ?) and at > ? order by at",
                [name, address, now - limits.window],
            )
        )
        failures = [r for r in rows if not r["ip"].startswith(REFUSED)]
        pair = [r["at"] for r in failures if r["username"] == name and r["ip"] == key]
        waits = [_wait(pair, limits.pair, limits.window, now)]
        if not known:
            waits.append(_wait([r["at"] for r in failures if r["username"] == name],
                               limits.user, limits.window, now))  # fmt: skip
            waits.append(_wait([r["at"] for r in failures if r["ip"] == address],
                               limits.address, limits.window, now))  # fmt: skip
        wait = max(waits)
        if wait:
            marker = f"{REFUSED}{key}"
            first = not db.execute(
                "select 1 from login_failures where ip = ? and at > ?",
                [marker, now - limits.window],
            ).fetchone()
            if first:  # one access-log line per refused client and window, not one a try
                db["login_failures"].insert({"username": name, "ip": marker, "at": now})
            return Attempt(wait, known=known, first_refusal=first)
        place = db["login_failures"].insert({"username": name, "ip": key, "at": now}).last_pk
    return Attempt(0.0, place, known)


def succeeded(
    db: Database, user: dict, address: str, attempt: Attempt, device: str, now: float | None = None
) -> None:
    """A successful log-in: its place is given back, its pair starts afresh, and the
    address and device cookie become known clients of the user."""
    now = time.time() if now is None else now
    name = _name(user["username"])
    with db.atomic():
        db.execute("delete from login_failures where id = ?", [attempt.place])
        db.execute(
            "delete from login_failures where username = ? and ip in (?, ?, ?)",
            [name, address, f"device:{digest(device)[:32]}", f"{REFUSED}{address}"],
        )
        db["login_clients"].upsert_all(
            [{"user_id": user["id"], "kind": ADDRESS, "digest": digest(address), "last_at": now},
             {"user_id": user["id"], "kind": DEVICE, "digest": digest(device), "last_at": now}],
            pk=("user_id", "kind", "digest"),
        )  # fmt: skip


def forget_old(db: Database, now: float | None = None) -> None:
    """Drop failures older than a day and clients unused for ``KNOWN_FOR_S`` (purge)."""
    now = time.time() if now is None else now
    db.execute("delete from login_failures where at < ?", [now - 86400])
    db.execute("delete from login_clients where last_at < ?", [now - KNOWN_FOR_S])
