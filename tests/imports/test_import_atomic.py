"""An import writes all of its changes or none, never duplicates, and holds the store's
write lock only briefly.

Contract §17: "An import either writes all of its changes or none: killed half-way, it
leaves the store as it was." Contract §13: "Rows without a reference never become
duplicate tiles when the same export is imported again." Contract §15: "a long import
never holds the store's write lock for more than a fraction of a second at a time."
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.helpers.import_sheets import write_csv
from webapp.cases.imports import import_export, prepare_import
from webapp.store.connection import open_store
from webapp.values.actor import Actor

ROOT = Path(__file__).resolve().parents[2]
NO_REF = ["Initials", "Stage", "Next Review Date", "Worker"]


def refless_rows(count: int) -> list[list]:
    """Families without a reference, each with board codes of its own (TWr, TWs, ...)."""
    up, low = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"
    return [
        [
            f"{up[i // 676 % 26]}{up[i // 26 % 26]}{low[i % 26]}",
            1 + i % 6,
            "04/12/2027",
            "Sam Okafor",
        ]
        for i in range(count)
    ]


def counts(db_path) -> tuple[int, int, int]:
    conn = sqlite3.connect(db_path)
    found = tuple(
        conn.execute(f"select count(*) from {t}").fetchone()[0]
        for t in ("families", "events", "flags")
    )
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    conn.close()
    return found


def import_process(db_path, export) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "webapp.cli", "family", "import", str(export),
               "--db", db_path, "--team", "Team"]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_killed_during_its_write_the_store_is_as_it_was_and_a_rerun_never_duplicates(
    db_path, tmp_path, store
):
    rows = refless_rows(15_000)
    export = write_csv(tmp_path / "no-refs.csv", rows, NO_REF)
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = counts(db_path)
    wal = Path(f"{db_path}-wal")
    base = wal.stat().st_size if wal.exists() else 0
    process = import_process(db_path, export)
    while process.poll() is None:  # kill as soon as the transaction has written to the WAL
        if wal.exists() and wal.stat().st_size > base + 256 * 1024:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.0005)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the import finished before it was killed"
    assert wal.stat().st_size > base  # it was writing
    assert counts(db_path) == before  # and nothing of it is in the store
    finished = import_process(db_path, export)
    assert finished.wait() == 0, finished.stderr.read()
    after = counts(db_path)
    assert after[0] == before[0] + 15_000
    again = import_process(db_path, export)
    assert again.wait() == 0, again.stderr.read()
    assert counts(db_path) == after  # the file without references, again: no duplicate


def test_refs_that_lost_their_leading_zeros_update_the_same_family(runner, tmp_path, db_path):
    headers = ["Case Ref", "Initials", "Stage", "Next Review Date"]
    first = write_csv(tmp_path / "a.csv", [["000123", "TWr", 2, "04/12/2027"]], headers)
    assert runner("family", "import", str(first)).exit_code == 0
    resaved = write_csv(tmp_path / "b.csv", [["123", "TWr", 3, "04/12/2027"]], headers)
    plan = runner.json("family", "import", str(resaved))
    assert plan["new"] == [] and plan["changed"][0]["changes"]["stage"] == {"from": 2, "to": 3}
    conn = sqlite3.connect(db_path)
    assert conn.execute("select ref, stage from families").fetchall() == [("000123", 3)]


def test_the_same_child_twice_is_one_code_on_the_tile(runner, tmp_path, db_path):
    headers = ["Family ID", "Forename", "Surname", "Stage", "Next Review Date"]
    rows = [["F1", "Perpetua", "Ravensworth", 2, "04/12/2027"]] * 2
    rows.append(["F1", "Paul", "Ravensworth", 2, "04/12/2027"])  # a sibling with the same code
    plan = runner.json("family", "import", str(write_csv(tmp_path / "e.csv", rows, headers)))
    assert plan["new"][0]["codes"] == ["PRa", "PRa"]  # two children, not three rows


@pytest.mark.slow
def test_a_long_import_holds_the_write_lock_a_fraction_of_a_second(db_path, tmp_path):
    """Another writer, trying all through a 20,000-row import, never waits long."""
    rows = [[f"R{i}", *row] for i, row in enumerate(refless_rows(20_000))]
    export = write_csv(tmp_path / "big.csv", rows, ["Case Ref", *NO_REF])
    waits, done = [], threading.Event()

    def other_writer():
        conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
        while not done.is_set():
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("COMMIT")
            waits.append(time.perf_counter() - start)
            time.sleep(0.002)
        conn.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    db = open_store(db_path)
    try:
        plan = prepare_import(db, export.read_bytes(), export.name, team_name="Team")
        import_export(db, plan, actor=Actor.cli())
    finally:
        done.set()
        thread.join()
    assert db["families"].count == 20_000
    assert max(waits) < 0.75, max(waits)


def test_a_family_added_between_the_check_and_the_write_is_not_duplicated(
    db_path, tmp_path, store, team
):
    """The plan is made without the write lock; if the team's families change before the
    write, the import is planned again rather than writing a stale plan."""
    from webapp.cases.families import add_family

    headers = ["Case Ref", "Initials", "Stage", "Next Review Date"]
    export = write_csv(tmp_path / "a.csv", [["R1", "TWr", 2, "04/12/2027"]], headers)

    def plan_it():
        return prepare_import(store, export.read_bytes(), export.name, team_name="Team")

    stale = plan_it()
    assert len(stale.new) == 1
    add_family(
        store, team, initials="TWr", stage=1, review="2027-01-01", ref="R1", actor=Actor.cli()
    )
    done = import_export(store, stale, replan=plan_it, actor=Actor.cli())
    assert (len(done.new), len(done.changed)) == (0, 1)
    rows = list(store["families"].rows_where("ref = ?", ["R1"]))
    assert [(r["stage"], r["next_review"]) for r in rows] == [(2, "2027-12-04")]
