"""The hot pages' queries read along indexes, never a whole big table (CONTRACT §15).

A county store holds about a hundred teams: a query that scans ``follow_ups``,
``users`` or the access log whole costs every team's page view more as the county
grows. These tests run each hot page (and notify) on a store of several teams with the
demo's history, capture every statement with sqlite3's trace callback, and read each
one's ``EXPLAIN QUERY PLAN``: a ``SCAN`` of any table but the few that stay small fails.
"""

from __future__ import annotations

import pytest

from tests.helpers.county import (
    DAY,
    build_store,
    copy_store,
    county_client,
    full_scans,
    traced_pages,
)
from webapp.notify.due import messages_due
from webapp.store.connection import connect

HOT_PAGES = ["/", "/alerts", "/agenda", "/agenda/print", "/reports/drift", "/audit",
             "/audit?action=read&before=1000000", "/audit.csv", "/supervision", "/clinic",
             "/printing/", "/admin/", "/rules"]  # fmt: skip


@pytest.fixture(scope="module")
def county_template(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("county") / "county.db", teams=3)


@pytest.fixture
def county_db(county_template, tmp_path) -> str:
    return copy_store(county_template, tmp_path)


@pytest.mark.parametrize("username", ["admin-2", "county-sm"])
def test_hot_pages_never_scan_a_big_table(county_db, monkeypatch, username):
    """The alerts page, agenda, drift report, audit page (by keyset, and its CSV) and the
    rest, as a team admin and as a service manager whose team switcher lists every team."""
    client = county_client(county_db, username)
    statements: list[str] = []
    with traced_pages(monkeypatch, statements):
        for url in HOT_PAGES:
            answer = client.get(url)
            answer.get_data()  # a streamed download runs its queries as it is read
            assert answer.status_code in (200, 403), url
    assert len(statements) > 300  # the pages really ran their queries
    assert full_scans(county_db, statements) == []


def test_notify_never_scans_a_big_table(county_db):
    db = connect(county_db)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    found = messages_due(db, DAY)
    db.conn.set_trace_callback(None)
    db.close()
    assert found  # the county's users have email: there is mail to work out
    assert full_scans(county_db, statements) == []


def test_the_plan_check_catches_a_missing_index(county_db):
    """Without the follow-ups index the alerts page scans the table whole, and the check
    says so: a dropped index fails a test, not a county."""
    db = connect(county_db)
    db.execute("drop index idx_follow_ups_team_id_family_id")
    db.close()
    statements: list[str] = []
    client = county_client(county_db, "admin-1")
    with pytest.MonkeyPatch.context() as patch, traced_pages(patch, statements):
        assert client.get("/alerts").status_code == 200
    assert any(s.startswith("SCAN follow_ups") for s in full_scans(county_db, statements))
