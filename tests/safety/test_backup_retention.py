"""Backups taken under load restore with the same rows and pass integrity_check; restore
refuses what is not a sound caseboard store; purge removes exactly what has passed its
retention and is safe to repeat; long imports are written in chunks."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import date, timedelta

import pytest

from webapp.cases.families import add_family, get_family_row
from webapp.cases.lifecycle import close_case
from webapp.meeting.outcomes import record_outcome
from webapp.store import access_log, chunks
from webapp.store.connection import connect
from webapp.store.retention import purge, retention_settings
from webapp.values.actor import Actor

TABLES = ("teams", "users", "families", "events", "flags", "audit", "scans", "scan_images")


def rows(path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"select * from {t} order by id").fetchall() for t in TABLES}
    finally:
        conn.close()


def test_a_backup_under_load_restores_the_same_rows_and_passes_integrity_check(
    db_path, store, team, runner, tmp_path
):
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        db = connect(db_path, check_same_thread=False)
        try:
            i = 0
            while not stop.is_set():
                add_family(db, team, initials="ABc", stage=1 + i % 6, review="2030-01-01",
                           worker=f"writer {n}", actor=Actor.cli())  # fmt: skip
                i += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    backups = []
    try:
        while store["families"].count < 5 and not errors:
            time.sleep(0.02)
        for k in range(3):
            out = tmp_path / f"backup-{k}.db"
            result = runner("backup", "--out", str(out))
            assert result.exit_code == 0, result.output
            backups.append(out)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors
    for out in backups:
        copy = sqlite3.connect(out)
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # a consistent snapshot: every family made under load has its "created" event
        families = copy.execute("select count(*) from families").fetchone()[0]
        created = copy.execute("select count(*) from events where kind = 'created'").fetchone()[0]
        assert families == created > 0
        copy.close()
        restored = tmp_path / f"restored-{out.stem}.db"
        assert runner.on(restored)("restore", str(out)).exit_code == 0
        assert rows(restored) == rows(out) | {"audit": rows(restored)["audit"]}
        assert sqlite3.connect(restored).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # after the load, a backup holds exactly the live store's rows
    final = tmp_path / "final.db"
    assert runner("backup", "--out", str(final)).exit_code == 0
    live = rows(db_path)
    assert rows(final) | {"audit": []} == live | {"audit": []}
    assert len(live["families"]) > len(rows(backups[0])["families"]) > 0


def test_restore_puts_a_backup_back_and_keeps_the_store_it_replaced(
    db_path, store, team, runner, tmp_path
):
    add_family(store, team, initials="ABc", stage=1, review="2030-01-01", actor=Actor.cli())
    out = tmp_path / "b.db"
    assert runner("backup", "--out", str(out)).exit_code == 0
    add_family(store, team, initials="DEf", stage=2, review="2030-01-01", actor=Actor.cli())
    result = runner("restore", str(out))
    assert result.exit_code == 0 and "before-restore" in result.output
    assert [r["initials"] for r in store["families"].rows] == ["ABc"]  # an open connection sees it
    kept = next(tmp_path.glob("caseboard.db.before-restore-*"))
    assert sqlite3.connect(kept).execute("select count(*) from families").fetchone() == (2,)


@pytest.mark.parametrize("kind", ["not sqlite", "damaged", "another database", "missing"])
def test_restore_refuses_what_is_not_a_sound_caseboard_store(db_path, store, team, runner,
                                                             tmp_path, kind):  # fmt: skip
    add_family(store, team, initials="ABc", stage=1, review="2030-01-01", actor=Actor.cli())
    bad = tmp_path / "bad.db"
    if kind == "not sqlite":
        bad.write_bytes(b"hello, this is not a database" * 100)
    elif kind == "another database":
        sqlite3.connect(bad).execute("create table notes (x)").connection.commit()
    elif kind == "damaged":
        assert runner("backup", "--out", str(bad)).exit_code == 0
        data = bytearray(bad.read_bytes())
        for offset in range(4096 * 3, len(data) - 4096, 4096):  # garble every page's header
            data[offset : offset + 8] = b"\xff" * 8
        bad.write_bytes(bytes(data))
    before = rows(db_path)
    result = runner("restore", str(bad))
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert rows(db_path) | {"audit": []} == before | {"audit": []}
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_purge_removes_exactly_what_has_passed_its_retention(store, team, users, today):
    settings = retention_settings(store)
    assert settings == {"scan-pictures": 30, "access-log": 730, "closed-cases": 730,
                        "mail-log": 90}  # fmt: skip

    def days_ago(n: int) -> date:
        return today - timedelta(days=n)

    scans = {}
    for age in (31, 30, 29):
        at = f"{days_ago(age).isoformat()}T09:00:00+00:00"
        scan_id = store["scans"].insert({"team_id": team["id"], "created_at": at,
                                         "content_hash": str(age), "result": "{}",
                                         "preview": "{}", "status": "applied"}).last_pk  # fmt: skip
        store["scan_images"].insert({"scan_id": scan_id, "position": 0, "name": "p",
                                     "jpeg": b"\xff\xd8"})  # fmt: skip
        scans[age] = scan_id
    store.execute("delete from audit")
    for age in (731, 730, 1):
        access_log.record(
            store, team["id"], "read", str(age), actor=Actor.web(users["admin"]["id"])
        )
        store.execute("update audit set at = ? where target = ?",
                      [f"{days_ago(age).isoformat()}T12:00:00+00:00", str(age)])  # fmt: skip
    families = {}
    for age in (731, 730, None):
        view = add_family(store, team, initials="ABc DEf", stage=2, review="2030-01-01",
                          ref=f"REF{age}", worker="Sam Okafor", flags=["CSE"],
                          opened=days_ago(800), actor=Actor.cli())  # fmt: skip
        row = get_family_row(store, view["token"])
        record_outcome(store, team, row, note="Mum's new partner",
                       meeting_date=today, actor=Actor.web(users["manager"]["id"]))  # fmt: skip
        if age:
            close_case(store, get_family_row(store, view["token"]), team, views="child",
                       scaling=7, reason="Plan completed", on=days_ago(age),
                       actor=Actor.cli())  # fmt: skip
        families[age] = view["token"]
    events_before = store["events"].count
    flags_before = store["flags"].count

    done = purge(store, today)
    assert (done["scan_pictures"], done["access_log"], done["anonymised"]) == (1, 1, 1)
    assert {r["scan_id"] for r in store["scan_images"].rows} == {scans[30], scans[29]}
    assert store["scans"].count == 3  # the scan records stay; only the pictures go
    # (closing a case logs it too, with its effective date: entered today, so it stays)
    assert {r["target"] for r in store["audit"].rows if r["action"] == "read"} == {"730", "1"}
    assert {r["action"] for r in store["audit"].rows} == {"read", "case.close"}
    old = get_family_row(store, families[731])
    wiped = (old["initials"], old["ref"], old["worker"], old["closed_reason"])
    assert wiped == ("", None, None, None)
    assert old["closed_scaling"] == 7
    assert old["anonymised_at"] and old["closed"] == days_ago(731).isoformat()
    notes = [json.loads(e["detail"]) for e in store["events"].rows_where(
        "family_id = ?", [old["id"]])]  # fmt: skip
    assert not any("note" in d or "initials" in d for d in notes)
    for age in (730, None):
        kept = get_family_row(store, families[age])
        assert (kept["initials"], kept["ref"], kept["anonymised_at"]) == ("ABc DEf", f"REF{age}",
                                                                         None)  # fmt: skip
    assert store["events"].count == events_before and store["flags"].count == flags_before
    again = purge(store, today)  # safe to repeat: nothing left to do
    assert (again["scan_pictures"], again["access_log"], again["anonymised"]) == (0, 0, 0)


def test_purge_on_the_command_line_and_retention_settings(runner, store):
    assert runner("retention", "set", "scan-pictures", "14").exit_code == 0
    assert runner.json("retention", "show")["scan-pictures"] == 14
    assert runner("retention", "set", "scan-pictures", "0").exit_code == 2
    assert runner("retention", "set", "access-log", str(2**63)).exit_code == 2
    dry = runner.json("purge", "--dry-run")
    assert dry["dry_run"] is True and dry["cut_off"]["scan-pictures"]
    assert runner("purge", "--date", "9999-12-31").exit_code == 2
    first, second = runner("purge"), runner("purge")
    assert first.exit_code == second.exit_code == 0 and "removed: 0 scan pictures" in second.output


def test_long_writes_go_in_chunks_and_are_taken_back_if_one_fails(store, team):
    """``in_chunks``: the helper a purge (and any long write) uses, one short
    transaction a chunk, so other writers get in between."""
    seen = []
    store.conn.set_trace_callback(lambda sql: seen.append(sql) if sql.startswith("BEGIN") else 0)

    def write(db, chunk):
        return [db["settings"].insert({"key": f"k{i}", "value": "v"}).last_pk for i in chunk]

    done = chunks.in_chunks(store, list(range(230)), write, size=50)
    assert len(done) == 230 and seen.count("BEGIN IMMEDIATE") == 5
    before = store["settings"].count

    def failing(db, chunk):
        if chunk[0] >= 2100:
            raise sqlite3.IntegrityError("disk trouble")
        return write(db, chunk)

    def undo(db, made):
        db.execute(f"delete from settings where rowid in ({','.join('?' * len(made))})", made)

    with pytest.raises(sqlite3.IntegrityError):
        chunks.in_chunks(store, list(range(2000, 2200)), failing, size=50, undo=undo)
    assert store["settings"].count == before
    with pytest.raises(RuntimeError), store.atomic():
        chunks.in_chunks(store, [1], write)
