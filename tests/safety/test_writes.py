"""Writes under contention: BEGIN IMMEDIATE through one helper, a short retry, 503 not 500."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

import webapp.store.connection as connection
from webapp.cases.families import get_family_row
from webapp.errors import StoreBusy
from webapp.store.connection import connect


@pytest.fixture
def short_waits(monkeypatch):
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(connection, "BUSY_PAUSE_S", (0.01, 0.02))


@pytest.fixture
def other_writer(db_path):
    """Another process's connection holding the write lock (plain sqlite3, not our Store)."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    yield conn
    conn.execute("ROLLBACK")
    conn.close()


def test_atomic_begins_immediate_and_nests_as_savepoints(db_path):
    db = connect(db_path)
    seen = []
    db.conn.set_trace_callback(seen.append)
    with db.atomic(), db.atomic():
        db.execute("insert into settings (key, value) values ('a', 'b')")
    assert seen[0] == "BEGIN IMMEDIATE" and seen[-1] == "COMMIT"
    assert any(s.startswith("SAVEPOINT") for s in seen)
    db["settings"].upsert({"key": "c", "value": "d"}, pk="key")  # sqlite-utils' own writes
    assert "BEGIN IMMEDIATE" in seen[4:]
    assert not db.conn.in_transaction
    db.close()


def test_a_write_that_cannot_start_raises_store_busy_and_writes_nothing(
    db_path, short_waits, other_writer
):
    db = connect(db_path)
    with pytest.raises(StoreBusy), db.atomic():
        db.execute("insert into settings (key, value) values ('x', 'y')")
    assert not db.conn.in_transaction
    db.close()


def test_a_busy_store_answers_503_with_retry_after(
    client_for, family, short_waits, db_path, api_tokens, store
):
    manager = client_for("manager")
    token = family()["token"]
    before = get_family_row(store, token)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        page = manager.post(f"/t/{token}/review", data={"review": "2030-01-01"})
        api = manager.patch(
            f"/api/tiles/{token}",
            json={"stage": 2},
            headers={"Authorization": f"Bearer {api_tokens['manager']}"},
        )
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    assert page.status_code == 503 and page.headers["Retry-After"] == "2"
    assert "try again" in page.get_data(as_text=True)
    assert api.status_code == 503 and api.headers["Retry-After"] and api.json["error"]
    assert get_family_row(store, token) == before


def test_a_waiting_writer_gets_in_once_the_lock_is_free(db_path):
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Thread(target=lambda: (time.sleep(0.3), holder.execute("COMMIT"))).start()
    db = connect(db_path, check_same_thread=False)
    with db.atomic():
        db.execute("insert into settings (key, value) values ('late', 'ok')")
    assert db.execute("select value from settings where key = 'late'").fetchone() == ("ok",)
    db.close()
    holder.close()
