"""The access log at county size: whole months move out of the store into month files
(``caseboard log-archive``, safe to repeat), ``/audit`` pages by keyset, and ``/audit.csv``
is streamed a chunk at a time (CONTRACT §15)."""

from __future__ import annotations

import csv
import io
import sqlite3

from webapp.store import access_log
from webapp.store.log_archive import archive_before, parse_month


def add_entries(store, team_id, months: dict[str, int], action="read") -> None:
    rows = [(team_id, None, f"{month}-{1 + n % 28:02d}T10:00:00+00:00", action, None, "{}",
             "web", None) for month, count in months.items() for n in range(count)]  # fmt: skip
    with store.atomic():
        store.conn.executemany(
            "insert into audit (team_id, user_id, at, action, target, detail, source, ip) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)", rows)  # fmt: skip


def test_whole_months_move_to_month_files_and_a_second_run_moves_nothing(
    store, team, other_team, tmp_path
):
    add_entries(store, team["id"], {"2026-01": 700, "2026-02": 30, "2026-03": 5})
    add_entries(store, other_team["id"], {"2026-01": 10})
    add_entries(store, None, {"2026-02": 3})
    done = archive_before(store, parse_month("2026-03"), tmp_path / "archive")
    assert [(m["month"], m["entries"]) for m in done] == [("2026-01", 710), ("2026-02", 33)]
    assert store.execute("select count(*) from audit where at < '2026-03'").fetchone()[0] == 0
    assert store.execute("select count(*) from audit where at like '2026-03%'").fetchone()[0] == 5
    january = sqlite3.connect(tmp_path / "archive" / "access-log-2026-01.db")
    teams = dict(january.execute("select team_id, count(*) from audit group by team_id"))
    assert teams == {team["id"]: 700, other_team["id"]: 10}
    assert (tmp_path / "archive" / "access-log-2026-01.db").stat().st_mode & 0o077 == 0
    assert archive_before(store, parse_month("2026-03"), tmp_path / "archive") == []


def test_a_stopped_run_is_finished_by_the_next_without_doubling(store, team, tmp_path):
    """Entries already copied (a run stopped before it deleted them) are not copied twice."""
    add_entries(store, team["id"], {"2026-01": 20})
    first = archive_before(store, parse_month("2026-02"), tmp_path)
    assert first[0]["entries"] == 20
    month_file = tmp_path / "access-log-2026-01.db"
    archived = sqlite3.connect(month_file)
    copied = archived.execute("select * from audit order by id").fetchall()
    archived.close()
    with store.atomic():  # as if the last chunk had been copied but not yet deleted
        store.conn.executemany("insert into audit values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               copied[-5:])  # fmt: skip
    archive_before(store, parse_month("2026-02"), tmp_path)
    again = sqlite3.connect(month_file)
    assert again.execute("select count(*), count(distinct id) from audit").fetchone() == (20, 20)


def test_the_command_says_what_moved(runner, store, team, tmp_path):
    add_entries(store, team["id"], {"2025-11": 4})
    out = runner("log-archive", "--before", "2026-01", "--out", str(tmp_path / "logs"))
    assert "2025-11: 4 entries" in out.output
    assert runner("log-archive", "--before", "2026-13", "--out", str(tmp_path)).exit_code == 2


def test_audit_pages_by_keyset_through_the_whole_log(client_for, store, team, other_team):
    add_entries(store, team["id"], {"2026-01": 450}, action="export")
    add_entries(store, None, {"2026-01": 20}, action="export")
    add_entries(store, other_team["id"], {"2026-01": 50}, action="export")
    admin = client_for("admin")
    seen, before = [], None
    while True:
        rows = access_log.entries(store, team, action="export", before=before, limit=200)
        if not rows:
            break
        seen += [r["id"] for r in rows]
        before = rows[-1]["id"]
    assert len(seen) == 470 == len(set(seen)) and seen == sorted(seen, reverse=True)
    page = admin.get(f"/audit?action=export&before={seen[199]}").get_data(as_text=True)
    assert page.count("<tr") >= 200  # the next page: 200 more entries, older than the first


def test_audit_csv_is_streamed_oldest_first(client_for, store, team):
    add_entries(store, team["id"], {"2026-01": 2500}, action="export")
    answer = client_for("admin").get("/audit.csv?action=export")
    assert answer.is_streamed
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert len(rows) == 2501  # and, last, this export's own entry
    assert "audit.csv" in rows[-1]["detail"]
    ids = [int(r["id"]) for r in rows]
    assert ids == sorted(ids)
