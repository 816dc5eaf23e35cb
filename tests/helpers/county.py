"""Helpers the county-scale tests import: a store of several teams with the demo's
history, every SQL statement a page or a command runs (sqlite3's trace callback), and the
query plans of those statements."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path

from werkzeug.security import generate_password_hash

import webapp.web.extensions
from webapp import create_app
from webapp.demo.build import DEMO_PASSWORD
from webapp.demo.county import build_county
from webapp.store.connection import connect, open_store

#: The day every county store's history ends on, and the day the tests ask about.
DAY = date(2026, 11, 17)
#: Tables that stay a handful of rows whatever the county's size.
SMALL_TABLES = {"teams", "settings", "sqlite_master", "_sqlite_migrations"}
CHEAP_HASH = partial(generate_password_hash, method="pbkdf2:sha256:1000")


def build_store(path: Path, teams: int, families: int = 30, days: int = 120) -> Path:
    db = open_store(path, create=True)
    build_county(db, teams, families=families, days=days, today=DAY, hash_password=CHEAP_HASH)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


def copy_store(template: Path, folder: Path) -> str:
    path = folder / "county.db"
    shutil.copy(template, path)
    return str(path)


@contextmanager
def traced_pages(monkeypatch, statements: list[str]) -> Iterator[None]:
    """Every connection the web app opens appends each statement it runs to ``statements``."""
    opened = webapp.web.extensions.connect

    def tracing(path, **kw):
        db = opened(path, **kw)
        db.conn.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(webapp.web.extensions, "connect", tracing)
    try:
        yield
    finally:
        monkeypatch.setattr(webapp.web.extensions, "connect", opened)


def county_client(db_path: str, username: str):
    app = create_app({"DB": db_path, "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "county"})  # fmt: skip
    client = app.test_client()
    answer = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


def full_scans(db_path: str, statements: list[str]) -> list[str]:
    """ "SCAN table <- statement" for every read that scans a table other than a small one."""
    db = connect(db_path)
    found = []
    try:
        for sql in statements:
            if not sql.lstrip().lower().startswith(("select", "with")):
                continue
            for row in db.conn.execute("explain query plan " + sql):
                match = re.match(r"SCAN (\w+)", row[3])
                if match and _table(db, sql, match.group(1)) not in SMALL_TABLES:
                    found.append(f"{row[3]} <- {' '.join(sql.split())[:200]}")
    finally:
        db.close()
    return found


def _table(db, sql: str, name: str) -> str:
    """The table behind ``name`` in a plan line: itself, or the table it aliases."""
    if name.startswith("subquery") or name.startswith("("):
        return "sqlite_master"  # a subquery's rows: already limited by its own plan
    tables = {r[0] for r in db.conn.execute("select name from sqlite_master where type='table'")}
    if name in tables:
        return name
    alias = re.search(rf"(?:from|join)\s+\"?(\w+)\"?\s+(?:as\s+)?{name}\b", sql, re.I)
    return alias.group(1) if alias else "sqlite_master"  # a CTE: its own plan counts


def selects(statements: list[str], table: str) -> list[str]:
    """The SELECT statements that read ``table``."""
    pattern = re.compile(rf"\b(from|join)\s+\"?{table}\"?\b", re.I)
    return [s for s in statements if s.lstrip().lower().startswith("select") and pattern.search(s)]
