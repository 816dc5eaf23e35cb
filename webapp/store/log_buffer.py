"""Access-log entries that could not be written at once, kept and written a moment later.

A page that only reads must not fail, or wait seconds, because its access-log row could
not be written at that moment: another process holding the write lock for an import
chunk, this process's own writers queued, or a full disk. :func:`write_or_keep` tries
one short insert without queueing behind other writers; when the store is busy or full,
the entry goes into this process's buffer instead and a background thread writes the
buffer in one short transaction as soon as the store takes it (retrying every
:data:`FLUSH_EVERY_S`). Nothing is lost while the process runs; entries are kept in
the order they were made, each with the time it was made.

The buffer holds at most :data:`MAX_KEPT` entries per store (about 30 MB): past that
(a disk full for hours) the oldest are dropped, with a warning in the server's log.
"""

from __future__ import annotations

import atexit
import logging
import sqlite3
import threading
import time
from collections import deque

from webapp.errors import StoreBusy
from webapp.store.connection import BUSY_TIMEOUT_MS, Store, connect, is_busy

log = logging.getLogger(__name__)

INSERT = """insert into audit (team_id, user_id, at, action, target, detail, source, ip)
            values (?, ?, ?, ?, ?, ?, ?, ?)"""
#: How long an access-log insert waits for SQLite's write lock before it is kept for later.
TRY_TIMEOUT_MS = 50
FLUSH_EVERY_S = 0.5
MAX_KEPT = 100_000
#: SQLite's answers that mean "not now" rather than "wrong": busy, locked, full, I/O.
NOT_NOW = (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY)


def not_now(exc: BaseException) -> bool:
    """True for a busy, locked, full or failing store: worth keeping the entry for later."""
    if is_busy(exc):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(exc, sqlite3.OperationalError) and code is not None:
        return code & 0xFF in NOT_NOW
    return isinstance(exc, sqlite3.OperationalError) and "disk" in str(exc).lower()


class Buffer:
    """Entries kept for one store file, and the thread that writes them."""

    def __init__(self, path: str):
        self.path = path
        self.rows: deque[tuple] = deque()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.dropped = 0

    def keep(self, row: tuple) -> None:
        with self.lock:
            if len(self.rows) >= MAX_KEPT:
                self.rows.popleft()
                self.dropped += 1
                if self.dropped in (1, 1000) or self.dropped % 10_000 == 0:
                    log.warning("access log: %d entries dropped, the store is full or busy",
                                self.dropped)  # fmt: skip
            self.rows.append(row)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._run, name="caseboard-access-log", daemon=True
                )
                self.thread.start()

    def pending(self) -> int:
        with self.lock:
            return len(self.rows)

    def _take(self) -> list[tuple]:
        with self.lock:
            rows = list(self.rows)
            self.rows.clear()
            return rows

    def _put_back(self, rows: list[tuple]) -> None:
        with self.lock:
            self.rows.extendleft(reversed(rows))

    def flush(self, db: Store | None = None) -> bool:
        """Write every kept entry in one transaction; True when the buffer is empty."""
        rows = self._take()
        if not rows:
            return True
        own = db is None
        try:
            db = db or connect(self.path)
            with db.atomic():
                db.conn.executemany(INSERT, rows)
        except (sqlite3.Error, StoreBusy, OSError) as exc:
            self._put_back(rows)  # kept, in order, for the next try
            if isinstance(exc, sqlite3.Error) and not not_now(exc):
                log.exception("access log: kept entries could not be written")
            return False
        finally:
            if own and db is not None:
                db.close()
        return self.pending() == 0

    def _run(self) -> None:
        while True:
            time.sleep(FLUSH_EVERY_S)  # a relative sleep: right under a shifted clock too
            if self.flush():
                with self.lock:
                    if not self.rows:
                        self.thread = None
                        return


_buffers: dict[str, Buffer] = {}
_guard = threading.Lock()


def buffer_for(path: str) -> Buffer:
    with _guard:
        return _buffers.setdefault(path, Buffer(path))


def write_or_keep(db: Store, row: tuple) -> bool:
    """Insert ``row`` now if the store takes it without waiting; else keep it for the
    background writer. Returns True when it was written now."""
    path = getattr(db, "path", None)
    lock = db.write_lock
    if path is None:  # a connection not made by connect(): no buffer to fall back on
        with db.atomic():
            db.execute(INSERT, row)
        return True
    buffer = buffer_for(path)
    if buffer.pending() or (lock is not None and not lock.acquire(blocking=False)):
        buffer.keep(row)  # keep the order: earlier entries are still waiting
        return False
    try:
        db.conn.execute(f"PRAGMA busy_timeout = {TRY_TIMEOUT_MS}")
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                db.conn.execute(INSERT, row)
                db.conn.execute("COMMIT")
            except BaseException:
                db.conn.rollback()
                raise
        finally:
            db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except sqlite3.Error as exc:
        if not not_now(exc):
            raise
        buffer.keep(row)
        return False
    finally:
        if lock is not None:
            lock.release()
    return True


def flush_all() -> None:
    """Write what every buffer holds (at exit, and for tests that read the log at once)."""
    for buffer in list(_buffers.values()):
        if not buffer.flush():
            log.warning("access log: %d entries could not be written to %s",
                        buffer.pending(), buffer.path)  # fmt: skip


atexit.register(flush_all)
