"""Opening the SQLite store: WAL mode, a busy timeout, foreign keys, migrations."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from webapp.errors import NoStore
from webapp.store.migrations import SETS

BUSY_TIMEOUT_MS = 5000


def connect(path: str | Path, *, check_same_thread: bool = True) -> Database:
    """A connection to an existing store, without migrating (cheap, for each request)."""
    path = Path(path)
    if not path.exists():
        raise NoStore(f"no store at {path}: run `caseboard init` first")
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=check_same_thread
    )
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; fsync at checkpoints only
    return db


def migrate(db: Database) -> list[str]:
    """Apply every pending migration; return the names applied."""
    applied = []
    for migrations in SETS:
        pending = [m.name for m in migrations.pending(db)]
        if pending:
            migrations.apply(db)
            applied.extend(pending)
    return applied


def open_store(path: str | Path, *, create: bool = False) -> Database:
    """Open (and with ``create``, make) the store at ``path`` and bring its schema up to date."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise NoStore(f"no store at {path}: run `caseboard init` first")
        path.parent.mkdir(parents=True, exist_ok=True)
        sqlite3.connect(str(path)).close()
    db = connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    migrate(db)
    return db


def utcnow() -> str:
    """The current time as a UTC ISO timestamp, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
