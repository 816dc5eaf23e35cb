"""The schema is versioned: an old store upgrades in place and keeps its data."""

import sqlite3

from sqlite_utils import Database, Migrations

import webapp.store.connection as connection
from webapp.accounts.teams import ensure_team
from webapp.cases.families import add_family, list_families
from webapp.store.migrations import core


def test_version_1_store_opens_after_new_migrations(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    old = Database(path)
    core.migrations.apply(old)  # a store as version 1 made it: core schema only
    team = ensure_team(old, "Team")
    add_family(old, team, initials="TWr", stage=2, review="2027-01-01")
    old.close()

    extra = Migrations("caseboard.test-extra")

    @extra()
    def m001_add_colour(db):
        db["families"].add_column("colour", str)
        db.execute("update families set colour = 'blue'")

    monkeypatch.setattr(connection, "SETS", [*connection.SETS, extra])
    db = connection.open_store(path)
    assert "colour" in db["families"].columns_dict
    assert [r["colour"] for r in db["families"].rows] == ["blue"]
    assert list_families(db, ensure_team(db, "Team"))[0]["initials"] == "TWr"
    assert connection.migrate(db) == []  # nothing left to apply: opening again is a no-op
    names = {r["name"] for r in db.query("select name from _sqlite_migrations")}
    assert {"m001_initial", "m001_add_colour"} <= names


def test_store_is_wal_with_busy_timeout(store):
    assert store.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert store.execute("pragma busy_timeout").fetchone()[0] == connection.BUSY_TIMEOUT_MS
