"""Write benchmark: 20 people saving review dates and meeting outcomes at once, no pause.

    python bench/write_bench.py [--clients 20] [--seconds 30]

Builds the demo store (one team, its year of history), starts ``caseboard serve``
(waitress, 8 threads) on it, logs each client in as the manager through the real
form, and then every client saves as fast as answers come back, for ``--seconds``:
a third set a review date on a tile page (``POST /t/<token>/review``), a third record
a meeting outcome (``POST /agenda/outcome/<token>``, note + review date), a third
change a tile through the API (``PATCH /api/tiles/<token>``).

The same run is made twice on fresh copies of the store, side by side:

* caseboard: write transactions begin IMMEDIATE (one helper in the store), a short
  retry on SQLITE_BUSY, and a 503 with Retry-After if a write still cannot start;
* baseline ("today's"): the code as it was before, a plain sqlite-utils connection
  whose transactions begin DEFERRED, read first and then try to write, and whose
  "database is locked" was a 500. The server process swaps the connection back to
  that before serving; everything else is the same code.

Clients are Python threads (2 processes) on the same 2 cores as the server.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from load_bench import free_port, serving  # noqa: E402 (the same folder)

from webapp.accounts.users import create_api_token  # noqa: E402
from webapp.cases.families import list_families  # noqa: E402
from webapp.demo.build import DEMO_PASSWORD, add_sample  # noqa: E402
from webapp.store.connection import open_store  # noqa: E402

#: The server as it wrote before: deferred BEGIN, 5 s busy timeout, locked -> 500.
BASELINE_SERVER = """
import sqlite3, sys
from sqlite_utils import Database
import webapp.store.connection as connection
import webapp.web.extensions as extensions
import webapp.web.error_pages as error_pages

def deferred_connect(path, *, check_same_thread=True):
    conn = sqlite3.connect(str(path), timeout=5, check_same_thread=check_same_thread)
    db = Database(conn)
    db.execute("PRAGMA busy_timeout = 5000")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    return db

connection.connect = extensions.connect = deferred_connect
error_pages.is_busy = lambda exc: False
from webapp.cli.serve import serve_app
serve_app(sys.argv[1], port=int(sys.argv[2]))
"""
CASEBOARD_SERVER = """
import sys
from webapp.cli.serve import DEFAULT_WORKERS, serve_app
serve_app(sys.argv[1], port=int(sys.argv[2]), workers=DEFAULT_WORKERS)
"""
KINDS = ("review", "outcome", "api")


def build_store(path: Path) -> tuple[list[str], str]:
    """The demo store; returns the open families' tokens and a manager's API token."""
    db = open_store(path, create=True)
    team = add_sample(db, "http://127.0.0.1:5000")
    tokens = [f["token"] for f in list_families(db, team)]
    api_token = create_api_token(db, "manager")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return tokens, api_token


def start(code: str, db_path: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CASEBOARD_SECRET_KEY": "bench"}
    cmd = [sys.executable, "-c", code, db_path, str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return serving(proc, port, "the server")


def logged_in(port: int) -> tuple[requests.Session, str]:
    """A session logged in as the manager through the real form, and its CSRF token."""
    s = requests.Session()
    base = f"http://127.0.0.1:{port}"
    token = re.search(r'name="csrf-token" content="([^"]+)"', s.get(f"{base}/login").text)[1]
    login = {"username": "manager", "password": DEMO_PASSWORD, "csrf_token": token}
    response = s.post(f"{base}/login", data=login, allow_redirects=False)
    assert response.status_code == 302, response.status_code
    token = re.search(r'name="csrf-token" content="([^"]+)"', s.get(f"{base}/agenda").text)[1]
    return s, token


def _client(number, port, tokens, api_token, seconds, barrier, out):
    rng = random.Random(number)
    kind = KINDS[number % len(KINDS)]
    base = f"http://127.0.0.1:{port}"
    session, csrf = logged_in(port)
    counts: Counter = Counter()
    barrier.wait()
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        token = rng.choice(tokens)
        review = (date.today() + timedelta(days=rng.randint(20, 120))).isoformat()
        if kind == "review":
            form = {"review": review, "csrf_token": csrf}
            r = session.post(f"{base}/t/{token}/review", data=form, allow_redirects=False)
        elif kind == "outcome":
            form = {"review": review, "note": "Plan agreed at the meeting.", "csrf_token": csrf}
            r = session.post(f"{base}/agenda/outcome/{token}", data=form,
                             headers={"Accept": "application/json"})  # fmt: skip
        else:
            r = session.patch(f"{base}/api/tiles/{token}", json={"next_review": review},
                              headers={"Authorization": f"Bearer {api_token}"})  # fmt: skip
        counts[r.status_code] += 1
    out.append(counts)


def _process(first, threads, port, tokens, api_token, seconds, queue):
    out: list[Counter] = []
    barrier = threading.Barrier(threads)
    workers = [
        threading.Thread(
            target=_client, args=(first + i, port, tokens, api_token, seconds, barrier, out)
        )
        for i in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put(sum(out, Counter()))


def run(code: str, db_path: str, tokens, api_token, clients: int, seconds: float) -> dict:
    port = free_port()
    proc = start(code, db_path, port)
    try:
        queue: mp.Queue = mp.Queue()
        half = clients // 2
        procs = [
            mp.Process(target=_process, args=(0, half, port, tokens, api_token, seconds, queue)),
            mp.Process(
                target=_process,
                args=(half, clients - half, port, tokens, api_token, seconds, queue),
            ),
        ]
        for p in procs:
            p.start()
        counts = sum((queue.get() for _ in procs), Counter())
        for p in procs:
            p.join()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    ok = sum(n for code, n in counts.items() if code < 400)
    total = sum(counts.values())
    return {
        "total": total,
        "ok": ok,
        "5xx": sum(n for code, n in counts.items() if code >= 500),
        "4xx": sum(n for code, n in counts.items() if 400 <= code < 500),
        "codes": dict(sorted(counts.items())),
        "writes_per_s": ok / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.db"
        tokens, api_token = build_store(template)
        for name, code in (("caseboard", CASEBOARD_SERVER), ("baseline", BASELINE_SERVER)):
            db_path = Path(tmp) / f"{name}.db"
            shutil.copy(template, db_path)
            results[name] = run(code, str(db_path), tokens, api_token, args.clients, args.seconds)
    report(results, args)


def report(results: dict, args) -> None:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"\n## {args.clients} clients saving without pause for {args.seconds:g} s "
        f"(review form, meeting outcome, API PATCH); waitress 8 threads; "
        f"{os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}\n"
    )
    new, old = results["caseboard"], results["baseline"]
    head = f"{'metric':<22} {'caseboard':>12} {'baseline':>12} {'ratio':>7}"
    print(head)
    print("-" * len(head))
    for key, label in (("total", "responses"), ("ok", "saved (2xx/3xx)"),
                       ("5xx", "5xx responses"), ("4xx", "4xx responses"),
                       ("writes_per_s", "saves per second")):  # fmt: skip
        a, b = new[key], old[key]
        ratio = f"{a / b:.2f}x" if b else "-"
        fmt = "{:>12.1f}" if isinstance(a, float) else "{:>12}"
        print(f"{label:<22} {fmt.format(a)} {fmt.format(b)} {ratio:>7}")
    share = 100 * old["5xx"] / old["total"] if old["total"] else 0
    print(f"\nstatus codes: caseboard {new['codes']}; baseline {old['codes']}")
    print(f"baseline: {share:.1f} % of writes failed with 5xx")
    verdict = "meets" if new["5xx"] == 0 else "MISSES"
    print(f"caseboard: {new['5xx']} responses of 5xx: {verdict} the target of 0")


if __name__ == "__main__":
    main()
