"""The schema is versioned: an old store upgrades in place and keeps its data."""

import sqlite3

from sqlite_utils import Database, Migrations

import webapp.store.connection as connection
from webapp.accounts.teams import ensure_team
from webapp.cases.families import add_family, list_families
from webapp.store.migrations import core
from webapp.values.actor import Actor


def test_version_1_store_opens_after_new_migrations(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    old = Database(path)
    core.migrations.apply(old)  # a store as version 1 made it: core schema only
    team = ensure_team(old, "Team")
    add_family(old, team, initials="TWr", stage=2, review="2027-01-01", actor=Actor.cli())
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


#: The migration sets and steps a store had at the release before the county work (commit
#: 95cbbdd^, 2026-12-01), by the names ``_sqlite_migrations`` records. A shipped step is never
#: edited, so applying just these today builds the store that release left.
OLDER_RELEASE = {
    "caseboard.core": ["m001_initial"],
    "caseboard.web": ["m001_scans_audit_logins"],
    "caseboard.meeting": ["m001_meetings_and_requests"],
    "caseboard.rules": ["m001_rules"],
    "caseboard.lifecycle": ["m001_case_dates", "m002_closure_and_rereferral"],
    "caseboard.imports": ["m001_import_mappings"],
    "caseboard.rules2": ["m001_rules_record"],
    "caseboard.safety": ["m001_sessions_tokens_retention"],
    "caseboard.people": ["m001_people_and_mail"],
    "caseboard.camera": ["m001_camera_runs_and_watched_photos"],
}


def older_release_store(path) -> None:
    """The store as that release left it, with a team, a family and a clinic booking."""
    sqlite3.connect(path).close()
    db = Database(path)
    for migrations in connection.SETS:
        if migrations.name in OLDER_RELEASE:
            assert [m.name for m in migrations.pending(db)] == OLDER_RELEASE[migrations.name]
            migrations.apply(db)
    team = ensure_team(db, "Team")
    family = add_family(
        db, team, initials="TWr", stage=2, review="2027-01-01", ref="LCS-1", actor=Actor.cli()
    )
    booking = {"team_id": team["id"], "family_id": family["id"], "purpose": "plan"}
    db["clinic_bookings"].insert({**booking, "day": "2026-11-26", "start": "14:00", "minutes": 30})
    db.close()


def contents(path) -> dict[str, list]:
    """Every row of every table, and the schema."""
    db = Database(path)
    try:
        rows = {t: [tuple(r.values()) for r in db[t].rows] for t in db.table_names()}
        rows["sqlite_master"] = [tuple(r) for r in db.execute("select * from sqlite_master")]
        return rows
    finally:
        db.close()


def test_caseboard_init_migrates_an_older_release_store_and_keeps_its_rows(tmp_path, runner):
    path = tmp_path / "older.db"
    older_release_store(path)
    before = contents(path)

    assert runner.on(path)("init").exit_code == 0
    after = contents(path)
    for table, rows in before.items():  # every old row as it was, new columns after them
        if table != "sqlite_master":
            kept = after[table][: len(rows)] if table == "_sqlite_migrations" else after[table]
            width = len(rows[0]) if rows else 0
            assert [row[:width] for row in kept] == rows, table
    db = Database(path)
    assert [s.name for s in connection.SETS if s.pending(db)] == []
    assert {"login_clients", "scan_slots", "practitioner_absences"} <= set(db.table_names())
    booking = next(db["clinic_bookings"].rows)
    assert booking["start"] == "14:00" and booking["social_worker_attended"] is None
    indexes = {tuple(i.columns) for i in db["families"].indexes}
    assert {("team_id", "ref"), ("ref",)} <= indexes
    assert ("team_id", "family_id") in {tuple(i.columns) for i in db["follow_ups"].indexes}
    assert [f["ref"] for f in list_families(db, ensure_team(db, "Team"))] == ["LCS-1"]
    db.close()

    assert runner.on(path)("init").exit_code == 0  # a second run changes nothing
    assert contents(path) == after
