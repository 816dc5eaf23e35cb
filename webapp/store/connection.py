"""Opening the SQLite store: WAL mode, a busy timeout, foreign keys, migrations, and
write transactions that begin IMMEDIATE.

Why IMMEDIATE: a deferred ``BEGIN`` that reads before it writes holds a read
snapshot; if another connection commits first, SQLite cannot upgrade it to a writer
and answers ``SQLITE_BUSY`` at once, without waiting (the busy timeout does not
apply). ``BEGIN IMMEDIATE`` takes the write lock up front, so the busy timeout
queues writers instead. Every write goes through :meth:`Store.atomic` (sqlite-utils'
own inserts and updates call it too), and the connection runs in autocommit mode,
so no statement ever opens a deferred transaction behind our back.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import threading
import time
from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from webapp.errors import NoStore, StoreBusy
from webapp.store.migrations import SETS

#: How long a writer waits for the other writers of its own process (see _process_lock).
PROCESS_WAIT_S = 10.0
#: How long one attempt waits for the write lock (SQLite's own busy handler).
BUSY_TIMEOUT_MS = 2000
#: Further attempts after the first, each after a short random pause.
BUSY_RETRIES = 2
BUSY_PAUSE_S = (0.05, 0.25)
STORE_MODE = 0o600
BUSY_MESSAGE = "the store is busy with other changes: nothing was changed, try again in a moment"


def is_busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" / "database is busy" errors."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def begin_immediate(conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``, retried briefly; :class:`StoreBusy` when it still cannot."""
    for attempt in range(BUSY_RETRIES + 1):
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            if attempt == BUSY_RETRIES:
                raise StoreBusy(BUSY_MESSAGE) from exc
            time.sleep(random.uniform(*BUSY_PAUSE_S))


_process_locks: dict[str, threading.RLock] = {}
_process_locks_guard = threading.Lock()


def _process_lock(path: str) -> threading.RLock:
    """One lock per store file and process: the server's threads queue for it and are
    woken the moment the writer before them commits, where SQLite's busy handler would
    poll with sleeps of up to 100 ms. Other processes still meet SQLite's own lock."""
    with _process_locks_guard:
        return _process_locks.setdefault(path, threading.RLock())


class Store(Database):
    """A sqlite-utils Database whose outermost ``atomic()`` begins IMMEDIATE.

    Nested blocks keep sqlite-utils' savepoints. Every call site (ours, other
    areas', sqlite-utils' ``insert``/``update``/``upsert``) gets the same behaviour.
    """

    write_lock: threading.RLock | None = None
    path: str | None = None  # the store file, resolved (set by connect)
    _names: tuple[int, list[str], list[str]] | None = None

    def _schema_names(self) -> tuple[int, list[str], list[str]]:
        """(schema version, table names, view names), read again only when the schema
        changed: sqlite-utils asks for them on every ``db[name]`` and ``rows_where``,
        which on a busy page was more queries than the page's own."""
        version = self.conn.execute("PRAGMA schema_version").fetchone()[0]
        if self._names is None or self._names[0] != version:
            self._names = (version, super().table_names(), super().view_names())
        return self._names

    def table_names(self, fts4: bool = False, fts5: bool = False) -> list[str]:
        if fts4 or fts5:
            return super().table_names(fts4=fts4, fts5=fts5)
        return list(self._schema_names()[1])

    def view_names(self) -> list[str]:
        return list(self._schema_names()[2])

    @contextlib.contextmanager
    def atomic(self) -> Generator[Database, None, None]:
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        lock = self.write_lock
        if lock is not None and not lock.acquire(timeout=PROCESS_WAIT_S):
            raise StoreBusy(BUSY_MESSAGE)
        try:
            begin_immediate(self.conn)
            try:
                yield self
            except BaseException:
                self.rollback()
                raise
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise
        finally:
            if lock is not None:
                lock.release()

    def begin(self) -> None:
        begin_immediate(self.conn)


def connect(path: str | Path, *, check_same_thread: bool = True) -> Store:
    """A connection to an existing store, without migrating (cheap, for each request)."""
    path = Path(path)
    if not path.exists():
        raise NoStore(f"no store at {path}: run `caseboard init` first")
    conn = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=check_same_thread,
        isolation_level=None,  # autocommit: transactions only through Store.atomic()
    )
    db = Store(conn)
    db.path = str(path.resolve())
    db.write_lock = _process_lock(db.path)
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


def create_store_file(path: Path) -> None:
    """An empty store file readable by its owner only (the folder is made 0700)."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, STORE_MODE)
    os.close(fd)


def restrict_store_files(path: Path) -> None:
    """Make the store and its WAL files owner-only (0600) where we own them."""
    for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            info = part.stat()
        except OSError:
            continue
        if info.st_mode & 0o077 and info.st_uid == os.getuid():
            part.chmod(STORE_MODE)


def open_store(path: str | Path, *, create: bool = False) -> Store:
    """Open (and with ``create``, make) the store at ``path`` and bring its schema up to date."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise NoStore(f"no store at {path}: run `caseboard init` first")
        create_store_file(path)
    db = connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    migrate(db)
    restrict_store_files(path)
    return db


def utcnow() -> str:
    """The current time as a UTC ISO timestamp, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
