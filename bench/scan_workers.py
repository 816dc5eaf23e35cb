"""Scanner workers for the benchmark's side-by-side runs: one process per source tree
(this one, or a baseline commit's exported by :func:`export_tree`), so that both scan
the same photos under the same load.

    python bench/scan_workers.py ROOT   # reads photo paths, writes one JSON line each
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


class Worker:
    """A process scanning photos with the scanner of one source tree (this one, or a
    baseline commit's exported by :func:`export_tree`): one path in, one JSON line out
    (the tiles and unknown texts, wall and CPU seconds of the scan alone)."""

    def __init__(self, root: Path, deadline: float | None):
        args = [sys.executable, __file__, str(root)]
        env = {**os.environ, "SCAN_BENCH_DEADLINE": "" if deadline is None else str(deadline)}
        self.proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )

    def scan(self, path: Path) -> dict:
        self.proc.stdin.write(f"{path}\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def serve(root: str) -> None:
    """The worker's side of :class:`Worker`."""
    sys.path.insert(0, root)
    for name in [m for m in sys.modules if m.split(".")[0] in ("scanner", "tilegen")]:
        del sys.modules[name]
    import scanner.scan as scanning

    if os.environ.get("SCAN_BENCH_DEADLINE"):
        scanning.HINT_DEADLINE_S = float(os.environ["SCAN_BENCH_DEADLINE"])
    for line in sys.stdin:
        t, cpu = time.perf_counter(), _cpu()
        data = scanning.scan_photos([line.strip()]).to_json()
        wall, cpu = time.perf_counter() - t, _cpu() - cpu
        tiles = [{k: t[k] for k in ("token", "stage", "zone", "payload")} for t in data["tiles"]]
        print(json.dumps({"tiles": tiles, "unknown": data["unknown"], "wall": wall, "cpu": cpu}))
        sys.stdout.flush()


def export_tree(rev: str) -> Path:
    """The scanner and tilegen packages of commit ``rev``, in a temporary directory."""
    repo = Path(__file__).resolve().parent.parent
    out = Path(f"/tmp/caseboard-scan-baseline-{rev.replace('/', '_')}")
    if not out.exists():
        out.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(repo), "archive", rev, "scanner", "tilegen"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out


def _cpu() -> float:
    """CPU seconds of this process, all threads: on a shared machine, closer to what a
    scan costs than the wall clock, which also counts waiting for a core."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def worker_texts(worker: Worker):
    def texts(path: Path) -> set[str]:
        out = worker.scan(path)
        return {t["payload"] for t in out["tiles"]} | set(out["unknown"])

    return texts


if __name__ == "__main__":
    serve(sys.argv[1])
