"""Import benchmark: one export of 20,000 rows against ten of 2,000, now and before.

    python bench/import_bench.py [--rows 20000] [--files 10] [--before REV | --before none]

Writes a case-system export (CSV: family reference, forename, surname, stage, next review
date, worker; one child a row, two children a family for a tenth of the rows) and
imports it into a fresh store's one team, as ``caseboard family import`` does; then
imports the same rows as ``--files`` exports of a tenth each, one after another into
another fresh store. Import time grows in proportion to rows when the one big import
costs about as much as the ten small ones together (contract §15: at most 1.5 times).

All through each import another connection takes the write lock every few milliseconds
(``BEGIN IMMEDIATE``; ``COMMIT``) and the longest it waited is reported: how long the
import held the store's write lock at a time.

The same runs are made with the code of git revision ``--before`` (checked out into a
temporary folder with ``git archive``), whose ``prepare_import`` and ``import_export``
take the same arguments; the table puts them side by side, with ratios (before / now).
Each run is a subprocess with its own tree first on ``PYTHONPATH``.

A run on this machine (2 cores, shared), against main at 7a34477::

    measure                                        now        main  before/now
    --------------------------------------------------------------------------
    one file of 20,000 rows (s)                   1.39       72.26      51.86x
    10 files of 2,000 rows, in all (s)           3.04      102.94      33.82x
    one file / the files (proportional: 1.0)      0.46        0.70       1.53x
    last small file / first small file            2.93       26.76       9.14x
    longest wait for the write lock (s)           0.08       71.33     905.54x
    families written (one file)               18182.00    18182.00       1.00x

With six other people's tests and benchmarks running on the same cores: one file 5.69 s
now against 420.84 s, 0.56 of the ten files, and a longest wait of 0.53 s against 302 s.

Before, the import wrote in chunks of 200 families; the other writer, polling SQLite's
busy handler between those chunks, was starved for minutes. Now each import holds the
lock once, for its one transaction. Each small file costs more than the one before it
because the comparison reads the team's families once per import (a monthly re-import
reads the caseload it updates); within one import, time is proportional to rows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import moved

ROOT = Path(__file__).resolve().parent.parent

#: Run in a subprocess with one tree first on the path: prints a JSON object.
DRIVER = (
    moved.SOURCE
    + r"""
import json, sqlite3, sys, threading, time
from pathlib import Path
from webapp.cases.imports import import_export, prepare_import
from webapp.store.connection import open_store
ensure_team = module("webapp.accounts.teams").ensure_team
try:
    from webapp.values.actor import Actor
    who = {"actor": Actor.cli()}
except ImportError:  # code from before the Actor: its import_export took no actor
    who = {}

store, files = Path(sys.argv[1]), sys.argv[2:]
db = open_store(store, create=True)
ensure_team(db, "Team")
waits, done = [0.0], threading.Event()

def other_writer():
    conn = sqlite3.connect(store, timeout=600, isolation_level=None)
    while not done.is_set():
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("COMMIT")
        waits.append(time.perf_counter() - start)
        time.sleep(0.005)

thread = threading.Thread(target=other_writer, daemon=True)
thread.start()
times = []
for name in files:
    data = Path(name).read_bytes()
    start = time.perf_counter()
    plan = prepare_import(db, data, Path(name).name, team_name="Team")
    import_export(db, plan, **who)
    times.append(time.perf_counter() - start)
done.set()
thread.join()
families = db.execute("select count(*) from families").fetchone()[0]
print(json.dumps({"seconds": sum(times), "each": times, "max_wait": max(waits),
                  "families": families}))
"""
)


def export_rows(count: int, seed: int = 24) -> list[list[str]]:
    """``count`` children: refs F000001..., every tenth family with two children."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    rows, family = [], 0
    while len(rows) < count:
        family += 1
        surname = "".join(rng.choice(letters) for _ in range(7)).capitalize()
        stage, worker = str(rng.randint(1, 6)), rng.choice(["Sam Okafor", "Ray Mensah", "Jo Park"])
        day = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2027"
        for _child in range(2 if family % 10 == 0 else 1):
            first = "".join(rng.choice(letters) for _ in range(6)).capitalize()
            rows.append([f"F{family:06d}", first, surname, stage, day, worker])
    return rows[:count]


def write_export(path: Path, rows: list[list[str]]) -> Path:
    header = "Case Ref,Forename,Surname,Stage,Next Review Date,Allocated Worker"
    text = "\r\n".join([header, *(",".join(r) for r in rows)]) + "\r\n"
    path.write_text(text, encoding="utf-8")
    return path


def checkout(rev: str, folder: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True
    ).stdout
    folder.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def run(tree: Path, work: Path, label: str, files: list[Path]) -> dict:
    store = work / f"{label}.db"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(store), *map(str, files)],
        env=env, capture_output=True, text=True, cwd=work,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"{label}: {done.stderr.strip().splitlines()[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(tree: Path, work: Path, name: str, big: Path, small: list[Path]) -> dict:
    one = run(tree, work, f"{name}-one", [big])
    ten = run(tree, work, f"{name}-ten", small)
    return {"one": one, "ten": ten}


def table(rows: int, files: int, results: dict) -> None:
    names = list(results)
    print(f"\nimport of {rows:,} rows as one file, and as {files} files of {rows // files:,}\n")
    head = f"{'measure':<38}" + "".join(f"{n:>12}" for n in names)
    if len(names) == 2:
        head += f"{'before/now':>12}"
    print(head)
    print("-" * len(head))
    lines = [
        (f"one file of {rows:,} rows (s)", lambda r: r["one"]["seconds"]),
        (f"{files} files of {rows // files:,} rows, in all (s)", lambda r: r["ten"]["seconds"]),
        ("one file / the files (proportional: 1.0)",
         lambda r: r["one"]["seconds"] / r["ten"]["seconds"]),
        ("last small file / first small file",
         lambda r: r["ten"]["each"][-1] / r["ten"]["each"][0]),
        ("longest wait for the write lock (s)",
         lambda r: max(r["one"]["max_wait"], r["ten"]["max_wait"])),
        ("families written (one file)", lambda r: r["one"]["families"]),
    ]  # fmt: skip
    for label, value in lines:
        values = [value(results[n]) for n in names]
        line = f"{label:<38}" + "".join(f"{v:>12.2f}" for v in values)
        if len(values) == 2 and values[0]:
            line += f"{values[1] / values[0]:>11.2f}x"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument(
        "--before",
        default="7a34477",
        help="git revision to compare (default: the landing before this import), or none",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="import-bench-"))
    try:
        rows = export_rows(args.rows)
        big = write_export(work / "all.csv", rows)
        size = args.rows // args.files
        small = [write_export(work / f"part-{i}.csv", rows[i * size : (i + 1) * size])
                 for i in range(args.files)]  # fmt: skip
        results = {"now": measure(ROOT, work, "now", big, small)}
        if args.before != "none":
            tree = checkout(args.before, work / "before")
            results[args.before] = measure(tree, work, "before", big, small)
        table(args.rows, args.files, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
