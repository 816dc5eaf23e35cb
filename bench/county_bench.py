"""County benchmark: 1, 10 and 100 teams on one machine, before and after (CONTRACT §15).

    python bench/county_bench.py [--quick] [--sizes 1,10,100] [--before REV]

Builds stores of 1, 10 and 100 teams with the demo's history builder (each team a year of
weekly meetings; ``--families`` per team), with the code at ``--before`` (default: the
landing before the county work, checked out in a temporary git worktree), and measures on copies of
the same stores, with the before code and with this tree's:

* every per-team page, as team 1's admin (and the service manager's team switcher):
  median and p95 over ``--repeats`` requests through Flask's test client;
* ``caseboard notify --dry-run`` for the whole store (the command's wall time, median of 3);
* the import: ``--import-rows`` rows into one team, against ten imports of a tenth each;
* on ``caseboard serve``: another team's board page while idle, during that import, and
  under a mixed load (that reader, a writer changing dates through the API, and board
  photos uploaded at 0.5/s).

Targets: notify under 2 s at 100 teams; every page at 100 teams within 20 % of its
1-team time; during the import the other team's board gives 0 errors and a p95 within
5x idle (or 300 ms); under the mixed load pages keep answering. ``--quick`` is a small
run for trying the bench (1, 3 and 10 teams of 40 families, 2,000 rows).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import requests

#: The landing before the county work: what "before" means by default.
BEFORE_COUNTY = "7a34477"
ROOT = Path(__file__).resolve().parent.parent
PARTS = Path(__file__).resolve().parent / "county_parts.py"
PASSWORD = "county-bench-password"
TEAM_1 = "County team 001"
FULL = {"sizes": "1,10,100", "families": 200, "repeats": 20, "import_rows": 20000, "seconds": 20.0}
QUICK = {"sizes": "1,3,10", "families": 40, "repeats": 8, "import_rows": 2000, "seconds": 8.0}


def run_in(code: Path, *args: str, timeout: float | None = None) -> str:
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, *args], env=env, cwd=code, capture_output=True,
                          text=True, timeout=timeout)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:3])} failed in {code}:\n{done.stderr[-2000:]}")
    return done.stdout


def cli(code: Path, *args: str, timeout: float | None = None) -> float:
    """A command's wall time; its CPU time (user + system) goes to :data:`CPU`."""
    started, cpu = time.perf_counter(), _children_cpu()
    run_in(code, "-c", "from webapp.cli import main; main()", *args, timeout=timeout)
    CPU.append(_children_cpu() - cpu)
    return time.perf_counter() - started


CPU: list[float] = []


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def stats(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def copy_store(path: str, folder: Path, name: str) -> str:
    target = folder / name
    shutil.copy(path, target)
    return str(target)


# -- the import ------------------------------------------------------------------------


def import_csv(folder: Path, rows: int, start: int = 0) -> Path:
    path = folder / f"import-{start}-{rows}.csv"
    review = date.today() + timedelta(days=30)
    lines = ["initials,stage,review,ref,worker"]
    lines += [f"A{chr(65 + n % 26)}b,{1 + n % 6},{review + timedelta(days=n % 90)},"
              f"REF{n:07d},Worker {n % 7}" for n in range(start, start + rows)]  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    return path


def time_imports(code: Path, store: str, folder: Path, rows: int) -> dict:
    """One import of ``rows`` rows against ten of ``rows / 10`` (new copies of the store)."""
    one = copy_store(store, folder, "import-one.db")
    whole = cli(code, "family", "import", str(import_csv(folder, rows)), "--db", one,
                "--team", TEAM_1, timeout=3600)  # fmt: skip
    tenth = copy_store(store, folder, "import-ten.db")
    parts = sum(cli(code, "family", "import", str(import_csv(folder, rows // 10, k * rows)),
                    "--db", tenth, "--team", TEAM_1, timeout=3600)
                for k in range(10))  # fmt: skip
    return {"whole": whole, "tenths": parts, "ratio": whole / parts}


# -- a real server ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(code: Path, store: str, folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(code), "CASEBOARD_INSTANCE_PATH": str(folder)}
    proc = subprocess.Popen([sys.executable, "-c", "from webapp.cli import main; main()",
                             "serve", "--db", store, "--port", str(port)], cwd=code, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(f"{base}/login", timeout=1)
            return proc, base
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"the server at {code} did not start")


def logged_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    form = {"username": username, "password": PASSWORD, "csrf_token": token}
    assert session.post(f"{base}/login", data=form, allow_redirects=False).status_code == 302
    return session


class Load:
    """Threads sending requests until stopped; each kind's latencies and failures."""

    def __init__(self):
        self.stop, self.threads = threading.Event(), []
        self.seen: dict[str, list[float]] = {}
        self.failed: dict[str, list[str]] = {}

    def every(self, kind: str, pause: float, send) -> None:
        def loop():
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    answer = send()
                    ok = answer.status_code in (200, 201)
                    why = str(answer.status_code)
                except requests.RequestException as exc:
                    ok, why = False, type(exc).__name__
                self.seen.setdefault(kind, []).append(time.perf_counter() - started)
                if not ok:
                    self.failed.setdefault(kind, []).append(why)
                self.stop.wait(max(0.0, pause - (time.perf_counter() - started)))

        self.threads.append(threading.Thread(target=loop, daemon=True))
        self.threads[-1].start()

    def finish(self) -> dict:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=180)
        return {kind: {"n": len(took), "errors": self.failed.get(kind, []), "p50_p95": stats(took)}
                for kind, took in self.seen.items()}  # fmt: skip


def served(code: Path, info: dict, folder: Path, rows: int, seconds: float) -> dict:
    """Another team's board while idle, during an import into team 1, and a mixed load."""
    store = copy_store(info["path"], folder, "served.db")
    proc, base = start_server(code, store, folder)
    reader = logged_in(base, "admin-2")
    api = {"Authorization": f"Bearer {info['token']}"}
    photo = Path(info["photo"]).read_bytes()
    try:
        idle = Load()
        idle.every("board", 0.1, lambda: reader.get(f"{base}/", timeout=10))
        time.sleep(seconds)
        found = {"idle": idle.finish()}
        during = Load()
        during.every("board", 0.1, lambda: reader.get(f"{base}/", timeout=10))
        took = cli(code, "family", "import", str(import_csv(folder, rows, 10**6)), "--db", store,
                   "--team", TEAM_1, timeout=3600)  # fmt: skip
        found["import"] = {**during.finish(), "import_s": took}
        mixed, day = Load(), date.today() + timedelta(days=60)
        mixed.every("board", 0.1, lambda: reader.get(f"{base}/", timeout=10))
        mixed.every("write", 1.0, lambda: requests.patch(
            f"{base}/api/tiles/{info['tile']}", json={"next_review": str(day)}, headers=api,
            timeout=30))  # fmt: skip
        mixed.every("upload", 2.0, lambda: requests.post(
            f"{base}/api/scans", headers=api, files={"photo": ("board-1.jpg", photo)},
            timeout=120))  # fmt: skip
        time.sleep(seconds)
        found["mixed"] = mixed.finish()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return found


# -- one revision ----------------------------------------------------------------------


def measure_pages(codes: dict, stores: dict, folder: Path, args) -> dict:
    """Pages and notify for every size, the revisions one after the other for each size
    (so a change in the machine's other load touches both alike)."""
    results = {name: {"pages": {}, "notify": {}} for name in codes}
    for size, info in stores.items():
        for name, code in codes.items():
            store = copy_store(info["path"], folder / name, f"pages-{size}.db")
            out = run_in(code, str(PARTS), "pages", store, str(args.repeats), info["tile"])
            pages = {page: stats(took) for page, took in json.loads(out).items()}
            results[name]["pages"][size] = pages
            store = copy_store(info["path"], folder / name, f"notify-{size}.db")
            cli(code, "init", "--db", store)  # migrated first: the timing is notify's own
            runs = [cli(code, "notify", "--dry-run", "--json", "--db", store) for _ in range(3)]
            results[name]["notify"][size] = (statistics.median(runs), statistics.median(CPU[-3:]))
        print(f"  {size} teams measured", file=sys.stderr)
    return results


def measure_load(code: Path, stores: dict, folder: Path, args) -> dict:
    largest = stores[max(stores)]
    return {
        "import": time_imports(code, largest["path"], folder, args.import_rows),
        "served": served(code, largest, folder, args.import_rows, args.seconds),
    }


# -- the report ------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def report(stores: dict, before: dict, after: dict, args) -> None:
    sizes = sorted(stores)
    small, large = sizes[0], sizes[-1]
    print(f"\n## Stores (built by the before code; {args.families} families a team, "
          f"{args.days} days)\n")  # fmt: skip
    for size in sizes:
        print(f"- {size} teams: {stores[size]['mb']:.0f} MB, built in "
              f"{stores[size]['seconds']:.0f} s")  # fmt: skip
    print(
        f"\n## Per-team pages, ms: median / p95 (before -> after), and after at {large} "
        f"teams over after at {small}\n"
    )
    head = " | ".join(f"{s} teams before | {s} teams after" for s in sizes)
    print(f"| page | {head} | after {large}/{small} |")
    print("|---" * (2 + 2 * len(sizes)) + "|")
    for page in after["pages"][small]:
        cells = []
        for size in sizes:
            for side in (before, after):
                p50, p95 = side["pages"][size].get(page, (float("nan"),) * 2)
                cells.append(f"{ms(p50)} / {ms(p95)}")
        ratio = after["pages"][large][page][0] / after["pages"][small][page][0]
        print(f"| {page} | {' | '.join(cells)} | {ratio:.2f} |")
    print("\n## notify --dry-run, whole store, s: wall (CPU) (target at 100 teams: under 2 s)\n")
    print("| teams | before | after | after/before (wall) |\n|---|---|---|---|")
    for size in sizes:
        (b, b_cpu), (a, a_cpu) = before["notify"][size], after["notify"][size]
        print(f"| {size} | {b:.2f} ({b_cpu:.2f}) | {a:.2f} ({a_cpu:.2f}) | {a / b:.2f} |")
    print(f"\n## Import into one team of the {large}-team store, s\n")
    print("| | before | after |\n|---|---|---|")
    for key, words in (("whole", f"{args.import_rows} rows"), ("tenths", "ten tenths"),
                       ("ratio", "whole / ten tenths")):  # fmt: skip
        print(f"| {words} | {before['import'][key]:.2f} | {after['import'][key]:.2f} |")
    print(f"\n## caseboard serve, {large} teams: another team's board page (ms) and the rest\n")
    print("| phase | kind | before n / errors / p50 / p95 | after n / errors / p50 / p95 |")
    print("|---|---|---|---|")
    for phase in ("idle", "import", "mixed"):
        kinds = [k for k in after["served"][phase] if k != "import_s"]
        for kind in kinds:
            cells = []
            for side in (before, after):
                got = side["served"][phase].get(kind)
                if not got:
                    cells.append("-")
                    continue
                errors = len(got["errors"])
                kinds_of = ",".join(sorted(set(got["errors"])))
                cells.append(f"{got['n']} / {errors}{f' ({kinds_of})' if errors else ''} / "
                             f"{ms(got['p50_p95'][0])} / {ms(got['p50_p95'][1])}")  # fmt: skip
            print(f"| {phase} | {kind} | {cells[0]} | {cells[1]} |")
    for side, name in ((before, "before"), (after, "after")):
        idle = side["served"]["idle"]["board"]["p50_p95"][1]
        busy = side["served"]["import"]["board"]["p50_p95"][1]
        print(f"\n{name}: import {side['served']['import']['import_s']:.1f} s; board p95 during "
              f"it {busy / idle:.1f}x idle ({ms(busy).strip()} ms)", end="")  # fmt: skip
    print()


def worktree(rev: str, folder: Path) -> Path:
    path = folder / "code-before"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(path), rev],
                   check=True)  # fmt: skip
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes")
    parser.add_argument("--families", type=int)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeats", type=int)
    parser.add_argument("--import-rows", type=int)
    parser.add_argument("--seconds", type=float, help="each served phase")
    parser.add_argument("--before", default=BEFORE_COUNTY,
                        help=f"git revision (default: {BEFORE_COUNTY}, the landing before the "
                        "county work)")  # fmt: skip
    parser.add_argument("--stores", help="a folder of stores built before (its info.json)")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    for key, value in sizes.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    rev = args.before
    folder = Path(tempfile.mkdtemp(prefix="county-bench-"))
    before_code = worktree(rev, folder)
    try:
        if args.stores:  # built earlier by `county_parts.py build DIR ...` > DIR/info.json
            out = Path(args.stores, "info.json").read_text()
        else:
            print(f"building {args.sizes} teams with {rev[:8]}...", file=sys.stderr)
            out = run_in(before_code, str(PARTS), "build", str(folder), args.sizes,
                         str(args.families), str(args.days))  # fmt: skip
        stores = {int(k): v for k, v in json.loads(out.splitlines()[-1]).items()}
        codes = {"before": before_code, "after": ROOT}
        for name in codes:
            (folder / name).mkdir()
        results = measure_pages(codes, stores, folder, args)
        for name, code in codes.items():
            results[name].update(measure_load(code, stores, folder / name, args))
        print(f"# County benchmark: {rev[:8]} (before) against this tree (after), "
              f"{os.cpu_count()} cores")  # fmt: skip
        report(stores, results["before"], results["after"], args)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                        str(before_code)], check=False)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
