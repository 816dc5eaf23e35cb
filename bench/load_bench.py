"""Load benchmark: the tile page and the board page under 50 concurrent clients.

    python bench/load_bench.py [--clients 50] [--requests 1500] [--think 1.0] [--quick]

Builds a demo-sized store (one team, 30 families on six boards, one applied
scan), starts ``caseboard serve`` (waitress) on it, logs in once, and sends
GET /t/<token> and GET / from 50 keep-alive clients. Latency is measured by
the client, per request, from sending to the last byte of the answer.

Two workloads, each on both servers:

* paced: 50 clients each wait 0.5-1.5 s (``--think``) between requests, like
  50 people with phones and a projector all active at once (~50 requests/s);
* saturated: 50 clients send their next request as soon as the last returns.
  This measures throughput; its latency is mostly queueing (50 / req/s). When ``wrk``
  is installed (``apt-get install wrk``) it generates this load: Python clients cost
  about as much CPU per request as the server they measure, on the same two cores, so
  they hide what the server can do (``--clients-in-python`` uses them anyway).

Baselines: the same app on Flask's development server (werkzeug, threaded),
which is what ``flask run`` gives; and, with ``--before REV``, ``caseboard serve`` as
it was at git revision REV (checked out into a temporary folder with ``git archive``),
so a change to the pages is measured against the code it replaces. The servers use the
same store, one after the other, in a separate process from the clients. The clients are
Python (http.client, in 2 processes x 25 threads) and share the machine's two
cores with the server, so the figures include client overhead: they are an
upper bound on what the server alone costs.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.cases.families import list_families  # noqa: E402
from webapp.demo.build import DEMO_PASSWORD, add_sample  # noqa: E402
from webapp.scans.applying import apply_scan  # noqa: E402
from webapp.scans.previews import preview_scan  # noqa: E402
from webapp.store.connection import open_store  # noqa: E402
from webapp.values.actor import Actor  # noqa: E402

DEV_SERVER = """
import sys
from webapp import create_app
create_app({"DB": sys.argv[1]}).run(host="127.0.0.1", port=int(sys.argv[2]), threaded=True)
"""


def build_store(folder: Path) -> tuple[str, str]:
    """A demo-sized store; returns its path and a tile token."""
    path = folder / "bench.db"
    db = open_store(path, create=True)
    team = add_sample(db, "http://127.0.0.1:5000")
    families = list_families(db, team)
    scan = {
        "tiles": [
            {"payload": f["token"], "token": f["token"], "stage": f["stage"], "zone": "main",
             "x_mm": 300.0, "y_mm": 200.0}
            for f in families
        ],
        "boards": [{"stage": s} for s in range(1, 7)],
        "unknown": [],
    }  # fmt: skip
    preview = preview_scan(db, team, scan, actor=Actor(source="bench"))
    apply_scan(db, team, preview["id"], actor=Actor(source="bench"))
    db.close()
    return str(path), families[0]["token"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def checkout(rev: str, folder: Path) -> Path:
    """The project's code at ``rev``, extracted into ``folder``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


BUILD_BEFORE = """
import sys
from pathlib import Path
sys.path.insert(0, "bench")
import load_bench
path, token = load_bench.build_store(Path(sys.argv[1]))
print(path, token, load_bench.DEMO_PASSWORD)
"""


def build_store_before(code: Path, folder: Path) -> tuple[str, str, str]:
    """A store built by the code at ``code`` with its own bench (a newer store may not
    open in older code): its path, a tile token and the demo password."""
    out = subprocess.run([sys.executable, "-c", BUILD_BEFORE, str(folder)], cwd=code,
                         env={**os.environ, "PYTHONPATH": str(code)},
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    path, token, password = out.split()[-3:]
    return path, token, password


def start(kind: str, db_path: str, port: int, code: Path = ROOT) -> subprocess.Popen:
    """The server, running the code at ``code`` (``python -c`` puts the working folder
    first on the path, so it runs from there too)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    if kind in ("waitress", "before"):
        serve = ["serve", "--db", db_path, "--port", str(port)]
        cmd = [sys.executable, "-c", "from webapp.cli import main; main()", *serve]
    else:
        cmd = [sys.executable, "-c", DEV_SERVER, db_path, str(port)]
    proc = subprocess.Popen(cmd, env=env, cwd=code, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    return serving(proc, port, kind)


def serving(proc: subprocess.Popen, port: int, what: str, seconds: float = 30) -> subprocess.Popen:
    """``proc`` once its login page answers on ``port``; it is killed if it never does."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{what} did not start on port {port}")


def session_cookie(port: int, password: str = DEMO_PASSWORD) -> str:
    """Log in as the practitioner once, through the real form."""
    s = requests.Session()
    page = s.get(f"http://127.0.0.1:{port}/login").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    login = {"username": "practitioner", "password": password, "csrf_token": token}
    response = s.post(f"http://127.0.0.1:{port}/login", data=login, allow_redirects=False)
    assert response.status_code == 302, response.text
    return "; ".join(f"{c.name}={c.value}" for c in s.cookies)


def _client(port, path, cookie, n, out, barrier, think):
    import random

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie}
    rng = random.Random()
    barrier.wait()
    for _ in range(n):
        if think:
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        out.append(time.perf_counter() - t0)
        if response.status != 200 or not body:
            raise RuntimeError(f"GET {path}: {response.status}")
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()


def _process(port, path, cookie, threads, per_thread, queue, think):
    out: list[float] = []
    barrier = threading.Barrier(threads)
    args = (port, path, cookie, per_thread, out, barrier, think)
    workers = [threading.Thread(target=_client, args=args) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put(out)


WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
                 + summary.errors.write + summary.errors.timeout
  io.write(string.format("caseboard-bench %d %.3f %.3f %.3f %.3f %d\\n", summary.requests,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, errors))
end
"""


def run_wrk(port: int, path: str, cookie: str, clients: int, seconds: float) -> dict:
    """The saturated workload from wrk, a load generator in C: Python clients would take
    as much CPU per request as the server they measure, on the same two cores."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    try:
        cmd = ["wrk", "-t2", f"-c{clients}", f"-d{seconds:.0f}s", "-H", f"Cookie: {cookie}",
               "-s", script.name, f"http://127.0.0.1:{port}{path}"]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in out.splitlines() if x.startswith("caseboard-bench"))
    n, duration, p50, p95, p99, errors = line.split()[1:]
    if int(errors):
        raise RuntimeError(f"GET {path}: {errors} errors or non-2xx answers under wrk")
    return {"n": int(n), "p50": float(p50), "p95": float(p95), "p99": float(p99),
            "rps": int(n) / float(duration)}  # fmt: skip


def run_load(port: int, path: str, cookie: str, clients: int, total: int, think: float) -> dict:
    processes = 2
    threads = clients // processes
    per_thread = max(1, total // clients)
    queue = mp.Queue()
    started = time.perf_counter()
    procs = [
        mp.Process(target=_process, args=(port, path, cookie, threads, per_thread, queue, think))
        for _ in range(processes)
    ]
    for p in procs:
        p.start()
    times = [t for _ in procs for t in queue.get()]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started
    times.sort()

    def pct(q: float) -> float:
        return 1000 * times[min(len(times) - 1, int(q * len(times)))]

    return {
        "n": len(times),
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "mean": 1000 * statistics.fmean(times),
        "rps": len(times) / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1500, help="per page, server, workload")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause, paced workload")
    parser.add_argument("--quick", action="store_true", help="500 requests per run")
    parser.add_argument("--before", metavar="REV", help="also serve the code of git revision REV")
    parser.add_argument("--saturated-only", action="store_true", help="skip the paced workload")
    parser.add_argument(
        "--clients-in-python",
        action="store_true",
        help="saturate with the Python clients even when wrk is installed",
    )
    parser.add_argument("--seconds", type=float, default=10, help="per saturated run, with wrk")
    args = parser.parse_args()
    total = 500 if args.quick else args.requests
    workloads = {"paced": args.think, "saturated": 0.0}
    if args.saturated_only:
        del workloads["paced"]
    use_wrk = shutil.which("wrk") is not None and not args.clients_in_python
    if not use_wrk:
        print("saturating with the Python clients (install wrk to measure the server alone)")

    def saturate(port, path, cookie):
        if use_wrk:
            return run_wrk(port, path, cookie, args.clients, args.seconds)
        return run_load(port, path, cookie, args.clients, total, 0.0)

    with tempfile.TemporaryDirectory() as tmp:
        db_path, token = build_store(Path(tmp))
        # kind -> (code, store, tile token, password)
        kinds = {
            "waitress": (ROOT, db_path, token, DEMO_PASSWORD),
            "flask-dev": (ROOT, db_path, token, DEMO_PASSWORD),
        }
        if args.before:
            code, store = Path(tmp) / "before", Path(tmp) / "before-store"
            code.mkdir()
            store.mkdir()
            kinds["before"] = (checkout(args.before, code), *build_store_before(code, store))
        results: dict[tuple[str, str, str], dict] = {}
        for kind, (code, store_path, tile, password) in kinds.items():
            pages = {"tile page": f"/t/{tile}", "board page": "/"}
            port = free_port()
            proc = start(kind, store_path, port, code)
            try:
                cookie = session_cookie(port, password)
                for name, path in pages.items():
                    run_load(port, path, cookie, args.clients, 200, 0.0)  # warm-up
                    for workload, think in workloads.items():
                        results[(workload, kind, name)] = (
                            run_load(port, path, cookie, args.clients, total, think)
                            if think
                            else saturate(port, path, cookie)
                        )
            finally:
                proc.terminate()
                proc.wait(timeout=10)
    for workload, think in workloads.items():
        runs = (
            f"{args.seconds:.0f} s a run from wrk"
            if use_wrk and not think
            else f"{total} requests a run"
        )
        report(results, workload, think, args.clients, runs)
        if args.before:
            report_before(results, workload, args.before)


def report_before(results: dict, workload: str, rev: str) -> None:
    """caseboard serve now against caseboard serve at ``rev``, on the same store and load."""
    print(f"\ncaseboard serve now vs at {rev} ({workload}); ratio: times better now\n")
    head = f"{'page':<11} {'metric':<7} {'now':>9} {'before':>9} {'ratio':>6}"
    print(head)
    print("-" * len(head))
    for page in ("tile page", "board page"):
        w, b = results[(workload, "waitress", page)], results[(workload, "before", page)]
        for metric, unit in (("p50", "ms"), ("p95", "ms"), ("rps", "/s")):
            ratio = b[metric] / w[metric] if metric != "rps" else w[metric] / b[metric]
            print(
                f"{page:<11} {metric:<7} {w[metric]:>7.1f}{unit} {b[metric]:>7.1f}{unit} "
                f"{ratio:>5.2f}x"
            )


def report(results: dict, workload: str, think: float, clients: int, runs: str) -> None:
    cores = os.cpu_count()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    pace = f"pause {0.5 * think:.1f}-{1.5 * think:.1f} s between requests" if think else "no pause"
    print(
        f"\n## {workload}: {clients} concurrent keep-alive clients, {pace}, {runs}; "
        f"{cores} cores, {mem:.0f} GiB, Python {platform.python_version()}"
    )
    print(
        "caseboard serve (waitress, one process a core, 8 threads each) vs baseline Flask dev "
        "server (werkzeug, threaded)"
    )
    print("ratio: times better with caseboard serve (dev/serve for latency, serve/dev for req/s)\n")
    head = f"{'page':<11} {'metric':<7} {'serve':>9} {'dev':>9} {'ratio':>6}"
    print(head)
    print("-" * len(head))
    for page in ("tile page", "board page"):
        w, d = results[(workload, "waitress", page)], results[(workload, "flask-dev", page)]
        for metric, unit in (("p50", "ms"), ("p95", "ms"), ("p99", "ms"), ("rps", "/s")):
            ratio = d[metric] / w[metric] if metric != "rps" else w[metric] / d[metric]
            print(
                f"{page:<11} {metric:<7} {w[metric]:>7.1f}{unit} {d[metric]:>7.1f}{unit} "
                f"{ratio:>5.2f}x"
            )
    for page in ("tile page", "board page"):
        p95 = results[(workload, "waitress", page)]["p95"]
        verdict = "meets" if p95 < 50 else "misses"
        print(f"{page}: p95 {p95:.1f} ms with caseboard serve {verdict} the 50 ms target")


if __name__ == "__main__":
    main()
