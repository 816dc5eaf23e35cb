"""Backing up and restoring the store while the app runs (docs/contract.md §8).

A backup goes through SQLite's online backup API: one consistent copy, WAL content
included, while the app keeps reading and writing (a plain file copy would miss what
is still in the WAL, or catch a page half-written). A restore checks the file first
(``PRAGMA integrity_check`` and that it is a caseboard store no newer than this
version), keeps a copy of the store it replaces, and copies the backup in with the
same API, so connections that are open see the restored store, not a torn file.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from webapp.errors import BadInput, NoStore
from webapp.store.connection import (
    BUSY_TIMEOUT_MS,
    connect,
    create_store_file,
    migrate,
    restrict_store_files,
    utcnow,
)
from webapp.store.epoch import new_session_epoch
from webapp.store.migrations import SETS

CORE_TABLES = ("teams", "users", "families", "events", "_sqlite_migrations")


#: The store's setting that holds when the last backup was written (``caseboard doctor``).
LAST_BACKUP = "last_backup_at"


def backup(db_path: str | Path, out: str | Path, *, record: bool = True) -> dict:
    """Write a consistent copy of the store at ``db_path`` to ``out`` (mode 0600).

    The copy is written next to ``out`` and renamed into place once it has passed
    ``PRAGMA integrity_check``, so ``out`` is never a half-written file. With ``record``,
    the store keeps the time of this backup (:data:`LAST_BACKUP`), for the doctor's
    "last backup" check.
    """
    db_path, out = Path(db_path), Path(out)
    if not db_path.exists():
        raise NoStore(f"no store at {db_path}: run `caseboard init` first")
    if out.resolve() == db_path.resolve():
        raise BadInput("the backup must go to another file than the store")
    if out.is_dir():
        raise BadInput(f"{out} is a folder: give the backup a file name")
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    create_store_file(partial)
    try:
        source = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)  # one step: a single consistent snapshot
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            facts = check_store(target, str(out))
        finally:
            target.close()
            source.close()
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if record:
        _record_backup(db_path)
    return {"file": str(out), "bytes": out.stat().st_size, **facts}


def _record_backup(db_path: Path) -> None:
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    conn = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        with conn:
            conn.execute(
                "insert or replace into settings (key, value) values (?, ?)", [LAST_BACKUP, now]
            )
    finally:
        conn.close()


def check_store(conn: sqlite3.Connection, name: str) -> dict:
    """``{"families", "users", "migrations"}`` of a sound caseboard store this version can
    open; :class:`BadInput` naming what is wrong otherwise."""
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
    except sqlite3.DatabaseError as exc:
        raise BadInput(f"{name} is not a SQLite database ({exc})") from None
    if result != ["ok"]:
        raise BadInput(f"{name} is damaged: integrity_check says {'; '.join(result[:3])}")
    missing = [t for t in CORE_TABLES if t not in tables]
    if missing:
        raise BadInput(f"{name} is not a caseboard store (it has no {', '.join(missing)})")
    applied = {
        (r[0], r[1]) for r in conn.execute("select migration_set, name from _sqlite_migrations")
    }
    known = {(m.name, step.name) for m in SETS for step in m._migrations}
    newer = sorted(f"{s}.{n}" for s, n in applied - known if s.startswith("caseboard."))
    if newer:
        raise BadInput(f"{name} was made by a newer caseboard (it has {', '.join(newer[:3])})")
    return {
        "families": conn.execute("select count(*) from families").fetchone()[0],
        "users": conn.execute("select count(*) from users").fetchone()[0],
        "migrations": len(applied),
    }


def restore(backup_file: str | Path, db_path: str | Path) -> dict:
    """Put the backup ``backup_file`` back as the store at ``db_path``, after checking it.

    The store it replaces is first backed up to ``<store>.before-restore-<UTC time>``.
    The restored store is then migrated to this version's schema, and everything issued
    before the restore (sessions, remember cookies, API tokens) is ended.
    """
    backup_file, db_path = Path(backup_file), Path(db_path)
    if not backup_file.is_file():
        raise BadInput(f"no backup file at {backup_file}")
    if db_path.exists() and backup_file.resolve() == db_path.resolve():
        raise BadInput("that file is the store itself")
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        facts = check_store(source, str(backup_file))
        kept = None
        if db_path.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
            backup(db_path, kept, record=False)
        else:
            create_store_file(db_path)
        target = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    db = connect(db_path)  # WAL mode back on, this version's schema, owner-only files
    try:
        db.execute("PRAGMA journal_mode = WAL")
        applied = migrate(db)
        ended = end_everything_issued(db)
    finally:
        db.close()
    restrict_store_files(db_path)
    return {"store": str(db_path), "replaced_copy": str(kept) if kept else None,
            "migrated": applied, "tokens_revoked": ended, **facts}  # fmt: skip


def end_everything_issued(db) -> int:
    """After a restore: a new session epoch, so every session and remember cookie issued
    before it (by this store or the one it replaced) is refused, and every API token and
    calendar link in the restored store ended (one ended after the backup would otherwise
    work again).
    Returns how many tokens were revoked."""
    with db.atomic():
        new_session_epoch(db)
        cursor = db.execute(
            "update api_tokens set revoked_at = ? where revoked_at is null", [utcnow()]
        )
        # a calendar link stopped after the backup must not work again either
        db.execute("update users set feed_token_hash = null where feed_token_hash is not null")
    return cursor.rowcount
