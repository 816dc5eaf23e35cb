"""Memory benchmark: the server's peak memory while 8 people upload a 52 MP PNG at once.

    python bench/upload_memory_bench.py [--uploads 8] [--megapixels 52] [--before REV]

The attack this answers (issue "Safe, round 2"): eight parallel uploads of a 52 MP PNG
took a server to 2.8 GB. Each server here is ``caseboard serve --workers 2`` (the
default on two cores) on a fresh store with one team and eight managers, each with an
API token; each manager sends one photo to ``POST /api/scans`` at the same moment. The
photo is an RGB PNG of 52 MP that packs into a fraction of a megabyte (a board drawn on a
plain background), so the upload itself is cheap and what is measured is decoding and
scanning it.

Memory is the sum of the resident set sizes of the server's processes (the supervisor
and its workers), sampled every 20 ms from outside; forked workers share some pages,
so the sum is an upper bound. The same is measured for ``caseboard serve`` at git
revision REV (default ``main``), checked out into a temporary folder, and the table
shows both side by side with their ratio. The target: at most 1 GB.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from load_bench import checkout, free_port, serving  # noqa: E402

PASSWORD = "plum otter harbour lamp"
TARGET_MB = 1024


def board_png(megapixels: float) -> bytes:
    """An RGB PNG of ``megapixels`` MP (3:2) that compresses well: a board's outline,
    its zone lines and some tile-sized squares on a plain background."""
    width = int((megapixels * 1e6 * 3 / 2) ** 0.5)
    height = int(megapixels * 1e6 // width)
    img = Image.new("RGB", (width, height), (236, 236, 230))
    draw = ImageDraw.Draw(img)
    draw.rectangle((200, 200, width - 200, height - 200), outline=(20, 20, 20), width=40)
    draw.line((200, height * 3 // 4, width - 200, height * 3 // 4), fill=(200, 120, 0), width=30)
    for n in range(24):
        x, y = 400 + (n % 6) * (width - 800) // 6, 400 + (n // 6) * (height - 800) // 5
        draw.rectangle((x, y, x + 600, y + 300), fill=(250, 250, 250), outline=(0, 0, 0), width=8)
    out = io.BytesIO()
    img.save(out, "PNG", compress_level=6)
    return out.getvalue()


def run(code: Path, args: list[str], stdin: str | None = None, db: str = "") -> str:
    cmd = [sys.executable, "-c", "from webapp.cli import main; main()", *args]
    env = {**os.environ, "PYTHONPATH": str(code), "CASEBOARD_DB": db}
    done = subprocess.run(cmd, cwd=code, env=env, input=stdin, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def build_store(code: Path, folder: Path, users: int) -> tuple[str, list[str]]:
    """A store made by the code at ``code``: one team, ``users`` managers, their tokens."""
    db = str(folder / "bench.db")
    run(code, ["init", "--team", "Bench team"], db=db)
    tokens = []
    for n in range(users):
        run(code, ["user", "add", f"manager{n}", "--role", "manager", "--password-stdin"],
            stdin=PASSWORD + "\n", db=db)  # fmt: skip
        tokens.append(run(code, ["token", "create", f"manager{n}"], db=db).splitlines()[-1])
    return db, tokens


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def measure(code: Path, label: str, photo: bytes, uploads: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db, tokens = build_store(code, Path(tmp), uploads)
        port = free_port()
        cmd = [sys.executable, "-c", "from webapp.cli import main; main()", "serve", "--db", db,
               "--port", str(port), "--workers", "2", "--threads", "8"]  # fmt: skip
        server = subprocess.Popen(cmd, cwd=code, env={**os.environ, "PYTHONPATH": str(code)},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            serving(server, port, label)
            time.sleep(1.0)  # the workers settle
            watched = psutil.Process(server.pid)
            idle = tree_rss(watched)
            peak, stop = [idle], threading.Event()

            def sample():
                while not stop.is_set():
                    peak[0] = max(peak[0], tree_rss(watched))
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            barrier = threading.Barrier(uploads)

            def send(token: str):
                barrier.wait()
                started = time.perf_counter()
                answer = requests.post(
                    f"http://127.0.0.1:{port}/api/scans",
                    files={"photo": ("board.png", photo, "image/png")},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=900,
                )
                return answer.status_code, time.perf_counter() - started

            started = time.perf_counter()
            with ThreadPoolExecutor(uploads) as pool:
                answers = list(pool.map(send, tokens))
            wall = time.perf_counter() - started
            stop.set()
            sampler.join()
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    codes = sorted(code for code, _ in answers)
    return {"label": label, "idle_mb": idle / 2**20, "peak_mb": peak[0] / 2**20,
            "codes": codes, "wall_s": wall, "slowest_s": max(s for _, s in answers)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=8)
    parser.add_argument("--megapixels", type=float, default=52.0)
    parser.add_argument("--before", default="main", help="git revision to compare with")
    args = parser.parse_args()
    photo = board_png(args.megapixels)
    with Image.open(io.BytesIO(photo)) as img:
        size = f"{img.width} x {img.height} {img.mode} PNG, {len(photo) / 2**20:.1f} MiB"
    print(f"{args.uploads} parallel uploads of one {args.megapixels:g} MP photo ({size}) "
          f"to caseboard serve --workers 2; {os.cpu_count()} cores")  # fmt: skip
    rows = [measure(ROOT, "this tree", photo, args.uploads)]
    with tempfile.TemporaryDirectory() as tmp:
        before = checkout(args.before, Path(tmp))
        rows.append(measure(before, f"before ({args.before})", photo, args.uploads))
    print()
    print(f"{'server':<18} {'idle MB':>8} {'peak MB':>8} {'answers':<28} {'all done s':>10}")
    for r in rows:
        answers = ", ".join(f"{c} x{r['codes'].count(c)}" for c in sorted(set(r["codes"])))
        print(f"{r['label']:<18} {r['idle_mb']:>8.0f} {r['peak_mb']:>8.0f} {answers:<28} "
              f"{r['wall_s']:>10.1f}")  # fmt: skip
    now, then = rows
    print()
    print(f"peak memory, this tree / before: {now['peak_mb'] / then['peak_mb']:.2f}")
    print(f"time for all {args.uploads}, this tree / before: {now['wall_s'] / then['wall_s']:.2f}")
    verdict = "within" if now["peak_mb"] <= TARGET_MB else "OVER"
    print(f"this tree's peak {now['peak_mb']:.0f} MB: {verdict} the {TARGET_MB} MB target")


if __name__ == "__main__":
    main()
