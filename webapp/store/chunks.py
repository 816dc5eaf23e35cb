"""Long writes in chunks: each chunk is its own short transaction, so a 50,000-row import
or a purge lets every other writer in between chunks instead of holding the store's
write lock for seconds (other teams would queue, then get 503s).

What a single transaction gave for free, the caller asks for: an ``undo`` that takes
back the chunks already written if a later one fails, so nothing is left half-written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlite_utils import Database

T = TypeVar("T")
R = TypeVar("R")

#: Rows per transaction: a few milliseconds of writing each.
CHUNK_ROWS = 500


def in_chunks(
    db: Database,
    items: Sequence[T],
    write: Callable[[Database, list[T]], R | None],
    *,
    size: int | None = None,
    undo: Callable[[Database, list[R]], None] | None = None,
) -> list[R]:
    """Call ``write(db, chunk)`` for each ``size`` items in its own transaction; returns
    what each call returned (flattened when it returns lists).

    If a chunk fails, ``undo(db, done)`` runs (in one transaction) with what the chunks
    before it returned, then the error is raised again.
    """
    if db.conn.in_transaction:
        raise RuntimeError("in_chunks() commits as it goes: call it outside a transaction")
    size = size or CHUNK_ROWS
    done: list = []
    try:
        for start in range(0, len(items), size):
            with db.atomic():
                result = write(db, list(items[start : start + size]))
            if isinstance(result, list):
                done.extend(result)
            elif result is not None:
                done.append(result)
    except BaseException:
        if undo is not None and done:
            with db.atomic():
                undo(db, done)
        raise
    return done
