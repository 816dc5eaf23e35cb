"""History benchmark: the drift report and the agenda for a 200-family team with a year of
history, answered as of their day (docs/contract.md §12), against a baseline revision.

    python bench/history_bench.py [--families 200] [--days 365] [--runs 15] [--baseline REV]

Each side builds its own store with its own code (``generate_history``, the demo's
simulated year: registrations, review dates, stage moves, meetings, supervision,
closings, reopenings, follow-ups), then times ``drift_report`` (52 weeks, JSON data)
and ``build_agenda`` for the last day, ``--runs`` times each after one warm-up, in a
process of its own; every run starts with nothing remembered from the one before (as
after a change to the store). The machine is shared, so the table gives the process's
CPU time (what the code costs) with the wall-clock median beside it. The baseline is
the code at ``--baseline`` (git archive), which reads the families' rows as they stand;
this tree replays every case's history. The
table gives the median and the slowest run, and this tree's median as a ratio of the
baseline's. The target: under 200 ms each.

A run on 7 December 2026 against main at 7a34477 (load average 3.5 on the 2 shared
cores; 3142 events; CPU time, median (slowest) [wall-clock median]):

| measure | main | this tree | ratio | under 200 ms |
| --- | --- | --- | --- | --- |
| drift report | 72 ms (108) [73] | 46 ms (63) [50] | 0.64x | yes |
| agenda | 12 ms (15) [12] | 32 ms (48) [32] | 2.71x | yes |

The drift report is quicker than before because it replays each case once and shares
the timelines and firings between its sections; the agenda does more than before (it
replays every case it shows) and stays well under the target. Under a load average of
31 the same run gave 60 ms (89) CPU and 240 ms wall for the drift report.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import moved

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 200

MEASURE = (
    moved.SOURCE
    + """
import json, statistics, sys, time
from datetime import date
from webapp.demo.history import generate_history
from webapp.store.connection import open_store
build_agenda = module("webapp.meeting.agenda").build_agenda
ensure_team = module("webapp.accounts.teams").ensure_team
drift_report = module("webapp.reports.drift").drift_report

path, families, days, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
today = date(2026, 6, 10)  # a Wednesday; fixed so both sides answer the same question
db = open_store(path, create=True)
team = ensure_team(db, "Team")
counts = generate_history(db, team, days=days, families=families, seed=22, today=today)
found = {"counts": counts}
for name, call in (("drift report", lambda: drift_report(db, team, today)),
                   ("agenda", lambda: build_agenda(db, team, today))):
    call()
    wall, cpu = [], []
    for _ in range(runs):
        db.__dict__.pop("_caseboard_as_of", None)  # nothing kept from the run before
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    found[name] = {"median": statistics.median(cpu), "max": max(cpu),
                   "wall": statistics.median(wall)}
print(json.dumps(found))
"""
)


def checkout(rev: str, folder: Path) -> Path:
    """The project's code at ``rev``, extracted into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def measure(code: Path, store: Path, families: int, days: int, runs: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(store), str(families), str(days), str(runs)],
        cwd=code,
        env={**os.environ, "PYTHONPATH": str(code)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--baseline", default="7a34477", help="git revision (default: the landing before §12)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base = checkout(args.baseline, (tmp / "baseline").resolve())
        sizes = (args.families, args.days, args.runs)
        before = measure(base, tmp / "baseline.db", *sizes)
        after = measure(ROOT, tmp / "history.db", *sizes)
    counts = after["counts"]
    print(f"{args.families} families, {args.days} days of history "
          f"({counts.get('events', '?')} events), {args.runs} runs after a warm-up; "
          f"Python {platform.python_version()}, {os.cpu_count()} cores\n")  # fmt: skip
    print(f"CPU time of the process: median (slowest); wall-clock median in brackets [ ]; "
          f"load average at the end {os.getloadavg()[0]:.1f}\n")  # fmt: skip
    print(f"| measure | {args.baseline} | this tree | ratio | under {TARGET_MS} ms |")
    print("| --- | --- | --- | --- | --- |")
    for name in ("drift report", "agenda"):
        b, a = before[name], after[name]
        ratio = a["median"] / b["median"] if b["median"] else float("inf")
        under = "yes" if a["max"] < TARGET_MS else "no"
        print(f"| {name} | {b['median']:.0f} ms ({b['max']:.0f}) [{b['wall']:.0f}] "
              f"| {a['median']:.0f} ms ({a['max']:.0f}) [{a['wall']:.0f}] "
              f"| {ratio:.2f}x | {under} |")  # fmt: skip


if __name__ == "__main__":
    main()
