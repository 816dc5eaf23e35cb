"""A page never fails because its access-log row could not be written at that moment
(CONTRACT §15): with another connection holding the store's write lock, or the store
full, reads still answer (their entries are kept and written a moment later); a change
that cannot be saved is a 503 with Retry-After, never a 500, wherever the busy store
was met (a view or an after-request hook)."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta

import pytest
from flask import request

import webapp.store.connection
import webapp.store.log_buffer
import webapp.web.extensions
from tests.helpers.web import PASSWORD
from webapp import create_app
from webapp.store.log_buffer import buffer_for


@pytest.fixture
def short_busy(monkeypatch):
    """Writers give up on a held lock after 0.2 s a try (2 s in production)."""
    monkeypatch.setattr(webapp.store.connection, "BUSY_TIMEOUT_MS", 200)


@pytest.fixture
def hold(db_path):
    """Another connection (as another process would) takes the write lock and holds it."""
    other = sqlite3.connect(db_path, isolation_level=None)

    def take() -> sqlite3.Connection:
        other.execute("BEGIN IMMEDIATE")
        other.execute("insert into settings (key, value) values ('held', '1')")
        return other

    yield take
    if other.in_transaction:
        other.execute("COMMIT")
    other.close()


def reads_of(store, username_id: int) -> list[str]:
    rows = store.execute(
        "select action, detail from audit where user_id = ? order by id", [username_id]
    ).fetchall()
    return [f"{action} {detail}" for action, detail in rows]


def wait_for(condition, seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_reads_answer_at_once_while_another_connection_holds_the_lock(
    client_for, family, store, users, db_path, short_busy, hold
):
    token = family()["token"]
    practitioner = client_for("practitioner")
    urls = ("/", "/agenda", "/alerts", f"/t/{token}")
    for url in urls:  # once first: a team's first agenda seeds its rules (a real write)
        practitioner.get(url)
    holder = hold()
    before = len(reads_of(store, users["practitioner"]["id"]))
    for url in urls:
        started = time.monotonic()
        assert practitioner.get(url).status_code == 200, url
        assert time.monotonic() - started < 1.5, url  # no queueing behind the writer
    assert len(reads_of(store, users["practitioner"]["id"])) == before  # kept, not written
    assert buffer_for(str(webapp.store.connection.Path(db_path).resolve())).pending() == 4
    holder.execute("COMMIT")
    assert wait_for(lambda: len(reads_of(store, users["practitioner"]["id"])) == before + 4)
    logged = reads_of(store, users["practitioner"]["id"])[before:]
    assert [e.split()[0] for e in logged] == ["read", "read", "read", "tile.view"]
    assert '"/agenda"' in logged[1]  # in the order the pages were read


def test_a_change_while_the_lock_is_held_is_a_503_with_retry_after(
    client_for, family, today, short_busy, hold
):
    token = family()["token"]
    manager = client_for("manager")
    hold()
    new_date = (today + timedelta(days=40)).isoformat()
    answer = manager.form(f"/t/{token}/review", {"review": new_date})
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert "try again" in answer.get_data(as_text=True)


def test_a_busy_store_met_in_an_after_request_hook_is_a_503_not_a_500(
    db_path, users, family, short_busy, hold
):
    """Anything written after the view (Flask turns such an error into a 500)."""
    app = create_app({"DB": db_path, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "k"})  # as served

    @app.after_request
    def write_after(response):
        if response.status_code == 200 and request.path == "/agenda":
            with webapp.web.extensions.get_db().atomic() as db:
                db.execute("insert or replace into settings (key, value) values ('after', '1')")
        return response

    client = app.test_client()
    client.post("/login", data={"username": "manager", "password": PASSWORD})
    assert client.get("/agenda").status_code == 200  # the hook writes when it can
    hold()
    answer = client.get("/agenda")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"


def test_a_full_store_does_not_fail_reads(client_for, family, store, users, db_path, monkeypatch):
    """The store's file may not grow (as on a full disk): reads still answer, and their
    entries are written once it can grow again."""
    token = family()["token"]
    practitioner = client_for("practitioner")
    for url in ("/", f"/t/{token}", "/agenda"):
        practitioner.get(url)
    opened = webapp.store.connection.connect

    def full(path, **kw):
        db = opened(path, **kw)
        size = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {size}")
        return db

    filler = full(db_path)  # fill the log's pages with tiny rows: the next row needs a new one
    with pytest.raises(sqlite3.OperationalError, match="full"):
        for _ in range(100_000):
            filler.execute("insert into audit (at, action, source) values ('', '', '')")
    filler.close()
    monkeypatch.setattr(webapp.web.extensions, "connect", full)
    monkeypatch.setattr(webapp.store.log_buffer, "connect", full)
    before = len(reads_of(store, users["practitioner"]["id"]))
    for url in ("/", f"/t/{token}", "/agenda"):
        assert practitioner.get(url).status_code == 200, url
    time.sleep(1.2)  # the background writer has tried, and met the full store too
    assert len(reads_of(store, users["practitioner"]["id"])) == before
    monkeypatch.setattr(webapp.store.log_buffer, "connect", opened)  # room again
    assert wait_for(lambda: len(reads_of(store, users["practitioner"]["id"])) == before + 3)
