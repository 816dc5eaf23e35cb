"""The store's session epoch: part of every session and remember cookie. A restore sets
a new one, so whatever was issued before it is refused, whichever store issued it and
whatever generation a user had reached there."""

from __future__ import annotations

import secrets

from sqlite_utils import Database

SESSION_EPOCH = "sessions.epoch"


def session_epoch(db: Database) -> str:
    """The store's epoch (empty in a store never restored)."""
    rows = list(db.query("select value from settings where key = ?", [SESSION_EPOCH]))
    return rows[0]["value"] if rows else ""


def new_session_epoch(db: Database) -> str:
    """A new epoch: every session and remember cookie issued before it is refused."""
    epoch = secrets.token_hex(8)
    db["settings"].upsert({"key": SESSION_EPOCH, "value": epoch}, pk="key")
    return epoch
