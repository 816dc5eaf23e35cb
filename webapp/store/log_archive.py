"""Archiving the access log by month (``caseboard log-archive``).

One row per page view is about 11.5 GB in two years at county use: left in the store it
would dominate it, and every backup. Whole months of entries move out of the store into
one SQLite file per month (``access-log-YYYY-MM.db``, owner-only, the same columns and
ids), in chunks of short transactions so the app keeps working. Moving a chunk is
"copy (ignoring ids already there), then delete", so a run that stopped halfway is
finished by running it again, and nothing is lost or doubled. The month files are kept
as long as the access-log retention says (``caseboard retention``) and read with any
SQLite tool; ``/audit`` shows what is still in the store.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from webapp.errors import BadInput
from webapp.store.chunks import CHUNK_ROWS

FILE = "access-log-{month}.db"
ALIAS = "log_month"


def parse_month(text: str) -> date:
    """``YYYY-MM`` -> the first day of that month (BadInput otherwise)."""
    try:
        year, month = (int(part) for part in str(text).strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise BadInput(f"a month is written YYYY-MM, not {text!r}") from None


def months_before(db: Database, first_kept: date) -> list[str]:
    """Months (YYYY-MM) with entries older than ``first_kept``, oldest first."""
    rows = db.execute(
        "select distinct substr(at, 1, 7) from audit where at < ? order by 1",
        [first_kept.isoformat()],
    )
    return [r[0] for r in rows]


def archive_before(db: Database, first_kept: date, folder: str | Path) -> list[dict]:
    """Move every entry older than the month of ``first_kept`` into month files in
    ``folder``; returns ``[{"month", "entries", "file"}]``, one per month moved."""
    first_kept = first_kept.replace(day=1)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return [_archive_month(db, month, folder) for month in months_before(db, first_kept)]


def _archive_month(db: Database, month: str, folder: Path) -> dict:
    path = folder / FILE.format(month=month)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    columns = [(r[1], r[2] or "") for r in db.execute("PRAGMA main.table_info(audit)")]
    names = ", ".join(f'"{name}"' for name, _ in columns)
    defined = ", ".join(f'"{n}" {t} primary key' if n == "id" else f'"{n}" {t}' for n, t in columns)
    db.execute(f"ATTACH DATABASE ? AS {ALIAS}", [str(path)])
    moved = 0
    try:
        db.execute(f"create table if not exists {ALIAS}.audit ({defined})")
        while True:
            with db.atomic():
                ids = [r[0] for r in db.execute(
                    "select id from main.audit where substr(at, 1, 7) = ? and at < ? "
                    "order by id limit ?", [month, f"{month}-32", CHUNK_ROWS])]  # fmt: skip
                if not ids:
                    break
                marks = ",".join("?" * len(ids))
                db.execute(f"insert or ignore into {ALIAS}.audit ({names}) select {names} "
                           f"from main.audit where id in ({marks})", ids)  # fmt: skip
                db.execute(f"delete from main.audit where id in ({marks})", ids)
                moved += len(ids)
    finally:
        db.execute(f"DETACH DATABASE {ALIAS}")
    return {"month": month, "entries": moved, "file": str(path)}
