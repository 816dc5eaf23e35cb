"""Benchmark: caseboard's scanner against raw decoders on the same generated photos.

    python bench/scan_bench.py [--photos N] [--band TEXT] [--seeds 0,1,...]
                               [--baseline REV] [--real-glare N] [--deadline S]

Prints one table (recall, misplaced tiles, seconds per 12 MP photo, peak
memory at 48 MP) and then the real third-party photos comparison.
Recall counts tiles whose whole QR code is in the frame. ``--seeds`` repeats each band
at other photo seeds. ``--baseline REV`` instead scans the same photos with this tree's
scanner and commit REV's, side by side (two worker processes, CPU time of the scan
alone, ratios). ``--real-glare N`` adds the real photos with specular spots laid over
their codes.

The hand-held bands (below the line) model a phone held in the hand: a straight
hand-shake streak of random direction, a hard specular glare spot from a glossy
sheet, tiles stuck on up to 8 degrees askew, and the residual radial distortion a
phone leaves after its own correction; the last combines all four. They use twice
as many photos as the steady bands.

The finder-glare bands put a small clipped glint over one finder pattern of some tiles,
which no decoder that needs all three finders reads; see docs/scanner.md (known-geometry
sampler).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scanner.scan as scan_module  # noqa: E402
from scanner import scan_photos  # noqa: E402
from scanner.images import load_photo  # noqa: E402
from scanner.synth import (  # noqa: E402
    DEMO_BASE_URL,
    finder_glints,
    make_board_photo,
    random_tiles,
)

SIZE_12MP = (4000, 3000)
STEADY = dict(px_per_module=2.8, yaw=10, blur=0.8)
# (label, settings over STEADY, photos per band as a multiple of --photos)
BANDS = [
    ("ppm 3.0", dict(px_per_module=3.0), 1),
    ("ppm 2.5", dict(px_per_module=2.5), 1),
    ("ppm 2.2", dict(px_per_module=2.2), 1),
    ("yaw 0", dict(yaw=0), 1),
    ("yaw 20", dict(yaw=20), 1),
    ("yaw 35", dict(yaw=35), 1),
    ("blur 0.5", dict(blur=0.5), 1),
    ("blur 1.0", dict(blur=1.0), 1),
    ("blur 1.3", dict(blur=1.3), 1),
    ("marker hidden", dict(yaw=20, hidden=True), 1),
    ("2.5/35°/σ1.2", dict(px_per_module=2.5, yaw=35, blur=1.2), 1),
    # hand-held: a straight streak (``shake``: its length range in px), hard glare,
    # tiles askew, residual distortion (fraction at the photo's corner)
    ("shake 1–3.5 px", dict(shake=(1.0, 3.5)), 2),
    ("shake 4 px", dict(shake=(4.0, 4.0)), 2),
    ("hard glare", dict(glare="hard"), 2),
    ("askew 8°", dict(skew_deg=8.0), 2),
    ("distortion ±2 %", dict(distortion=0.02), 2),
    (
        "hand-held: shake 1–3.5 + glare + askew + distortion",
        dict(shake=(1.0, 3.5), glare="hard", skew_deg=8.0, distortion=0.015),
        2,
    ),
    # a small clipped glint (10 mm across) over one finder pattern of about 4 tiles in 10:
    # zxing-cpp and pyzbar need all three finders; the known-geometry sampler does not
    ("glare on a finder", dict(finder_glare=0.4), 2),
    (
        "glare on a finder + hand-held",
        dict(finder_glare=0.4, shake=(1.0, 3.5), skew_deg=8.0, distortion=0.015),
        2,
    ),
]
FINDER_GLINT_MM = 10.0


def band_photo(settings: dict, seed: int):
    """One 12 MP photo of a band; the random parts (streak length and direction, the
    sign of the distortion, which marker is hidden) follow the seed."""
    kw = {**STEADY, **settings}
    rng = random.Random(seed)
    shake = kw.pop("shake", None)
    if shake:
        kw["motion_px"] = rng.uniform(*shake)
        kw["motion_deg"] = rng.uniform(0, 180)
    if kw.get("distortion"):
        kw["distortion"] *= rng.choice((-1, 1))
    hide = [(1, seed % 4)] if kw.pop("hidden", False) else []
    share = kw.pop("finder_glare", 0.0)
    if share:
        nrng = np.random.default_rng(1000 + seed)
        kw["tiles"] = random_tiles([1], 12, nrng, skew_deg=kw.pop("skew_deg", 4.0))
        kw["glints"] = finder_glints(kw["tiles"], DEMO_BASE_URL, nrng, share, FINDER_GLINT_MM)
    return make_board_photo(
        stages=(1,),
        n_tiles=12,
        hide_markers=hide,
        size=SIZE_12MP,
        seed=100 + seed,
        roll=(seed % 3 - 1) * 3,
        pitch=(seed % 2) * 8 - 4,
        **kw,
    )


def raw_zxing(gray):
    return {b.text for b in zxingcpp.read_barcodes(gray)}


def raw_zbar(gray):
    return {d.data.decode("utf-8", "replace") for d in pyzbar.decode(gray)}


_ARUCO = cv2.QRCodeDetectorAruco()


def raw_opencv(gray):
    ok, texts, _, _ = _ARUCO.detectAndDecodeMulti(gray)
    return {t for t in texts if t} if ok else set()


BASELINES = {"zxing-cpp": raw_zxing, "pyzbar": raw_zbar, "OpenCV Aruco": raw_opencv}


def photo_seeds(photos: int, seed: int) -> range:
    """The photo seeds of one run: seed 0 is 0, 1, 2...; seed 3 is 3000, 3001..."""
    return range(1000 * seed, 1000 * seed + photos)


def run_band(label, settings, photos, seed=0):
    stats = {
        "n": 0,
        "found": 0,
        "misplaced": 0,
        "no_zone": 0,
        "times": [],
        "cpu": [],
        "kernel_err": [],
        "base": {k: [0, []] for k in BASELINES},
    }
    for photo_seed in photo_seeds(photos, seed):
        photo = band_photo(settings, photo_seed)
        data = photo.jpeg_bytes()
        t, cpu = time.perf_counter(), _cpu()
        result = scan_photos([(f"{label}-{photo_seed}.jpg", data)]).to_json()
        stats["times"].append(time.perf_counter() - t)
        stats["cpu"].append(_cpu() - cpu)
        kernel = (result["boards"] or [{}])[0].get("psf")
        if photo.params["motion_px"] and kernel:
            stats["kernel_err"].append(abs(kernel["length_px"] - photo.params["motion_px"]))
        got = {t["token"]: t for t in result["tiles"]}
        for truth in photo.visible:
            stats["n"] += 1
            tile = got.get(truth.token)
            if tile is None:
                continue
            stats["found"] += 1
            stats["no_zone"] += tile["zone"] is None
            placed = (tile["stage"], tile["zone"])
            if tile["zone"] is not None and placed != (truth.stage, truth.zone):
                stats["misplaced"] += 1
        gray = load_photo(("x.jpg", data)).gray
        for name, fn in BASELINES.items():
            t = time.perf_counter()
            texts = fn(gray)
            stats["base"][name][1].append(time.perf_counter() - t)
            stats["base"][name][0] += sum(1 for tr in photo.visible if tr.payload in texts)
    return stats


class Worker:
    """A process scanning photos with the scanner of one source tree (this one, or a
    baseline commit's exported by :func:`export_tree`): one path in, one JSON line out
    (the tiles and unknown texts, wall and CPU seconds of the scan alone)."""

    def __init__(self, root: Path, deadline: float | None):
        args = [sys.executable, __file__, "--worker", str(root)]
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


def compare_band(settings, photos, seed, workers: dict[str, Worker]) -> dict:
    """One band's photos through each worker in turn (order alternating, so that both
    meet the same load): recall, misplaced, wall and CPU seconds per worker."""
    stats = {name: {"n": 0, "found": 0, "misplaced": 0, "wall": [], "cpu": []} for name in workers}
    path = Path(f"/tmp/caseboard-scan-bench-{os.getpid()}.jpg")
    for k, photo_seed in enumerate(photo_seeds(photos, seed)):
        photo = band_photo(settings, photo_seed)
        path.write_bytes(photo.jpeg_bytes())
        names = list(workers)[:: 1 if k % 2 == 0 else -1]
        for name in names:
            out = workers[name].scan(path)
            s = stats[name]
            s["wall"].append(out["wall"])
            s["cpu"].append(out["cpu"])
            got = {t["token"]: t for t in out["tiles"]}
            for truth in photo.visible:
                s["n"] += 1
                tile = got.get(truth.token)
                if tile is None:
                    continue
                s["found"] += 1
                if tile["zone"] is not None and (tile["stage"], tile["zone"]) != (
                    truth.stage,
                    truth.zone,
                ):
                    s["misplaced"] += 1
    return stats


def print_comparison(args, workers: dict[str, Worker]) -> None:
    """The bands side by side: this tree against the baseline commit, per seed."""
    base = args.baseline
    print(
        f"| band | seed | tiles | recall (this / {base}) | misplaced (this / {base}) "
        f"| median s (this / {base}) | median CPU s (this / {base}) | CPU ratio |"
    )
    print("|" + "---|" * 8)
    all_cpu = {name: [] for name in workers}
    all_wall = {name: [] for name in workers}
    for label, settings, times in BANDS:
        if not any(part in label for part in args.band.split(",")):
            continue
        for seed in args.seeds:
            st = compare_band(settings, times * args.photos, seed, workers)
            this, old = st["this"], st["baseline"]
            for name in workers:
                all_cpu[name] += st[name]["cpu"]
                all_wall[name] += st[name]["wall"]
            med = {name: statistics.median(st[name]["cpu"]) for name in workers}
            wall = {name: statistics.median(st[name]["wall"]) for name in workers}
            recall = {name: 100 * st[name]["found"] / st[name]["n"] for name in workers}
            print(
                f"| {label} | {seed} | {this['n']} "
                f"| {recall['this']:.1f} % / {recall['baseline']:.1f} % "
                f"| {this['misplaced']} / {old['misplaced']} "
                f"| {wall['this']:.2f} / {wall['baseline']:.2f} "
                f"| {med['this']:.2f} / {med['baseline']:.2f} "
                f"| {med['this'] / med['baseline']:.2f} |",
                flush=True,
            )
    if all_cpu["this"]:
        cpu = {name: statistics.median(v) for name, v in all_cpu.items()}
        wall = {name: statistics.median(v) for name, v in all_wall.items()}
        print(
            f"\nall photos: median CPU {cpu['this']:.2f} s (this) / {cpu['baseline']:.2f} s "
            f"({base}), ratio {cpu['this'] / cpu['baseline']:.2f}; median wall clock "
            f"{wall['this']:.2f} s / {wall['baseline']:.2f} s, ratio "
            f"{wall['this'] / wall['baseline']:.2f}"
        )


def _cpu() -> float:
    """CPU seconds of this process, all threads: on a shared machine, closer to what a
    scan costs than the wall clock, which also counts waiting for a core."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_memory_48mp(hand_held: bool = False) -> float:
    """Peak resident memory (MiB, VmHWM) of a fresh process scanning one 48 MP photo.

    VmHWM rather than ru_maxrss: Linux carries ru_maxrss over from the parent
    across fork and exec, and the parent has just rendered the 48 MP photo.
    """
    path = Path("/tmp/caseboard-48mp.jpg")
    extra = (
        dict(motion_px=5.0, motion_deg=60, glare="hard", skew_deg=8, distortion=0.015)
        if hand_held
        else {}
    )
    photo = make_board_photo(
        stages=(1, 2), n_tiles=12, px_per_module=3.0, size=(8000, 6000), seed=7, **extra
    )
    path.write_bytes(photo.jpeg_bytes())
    root = str(Path(__file__).resolve().parent.parent)
    code = (
        f"import sys; sys.path.insert(0, {root!r}); from scanner import scan_photos;"
        f"r = scan_photos([{str(path)!r}]).to_json(); print(len(r['tiles']));"
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    tiles, rss = out.stdout.split()
    return int(rss) / 1024, int(tiles), len(photo.visible)


def real_photos(root: Path):
    """Expected texts found by raw zxing-cpp and by caseboard in the third-party photos."""
    rows = {}
    for img in sorted(root.rglob("*.png")) + sorted(root.rglob("*.jpg")):
        expected = _expected(img)
        if not expected:
            continue
        folder = str(img.parent.relative_to(root)).split("/")[0]
        gray = load_photo(img).gray
        raw = {_norm(t) for t in raw_zxing(gray)}
        data = scan_photos([img]).to_json()
        ours = {_norm(t["payload"]) for t in data["tiles"]} | {_norm(t) for t in data["unknown"]}
        r = rows.setdefault(folder, [0, 0, 0, []])
        r[0] += len(expected)
        r[1] += sum(1 for e in expected if e in raw)
        r[2] += sum(1 for e in expected if e in ours)
        r[3] += [f"{img.relative_to(root)}" for e in expected if e in raw and e not in ours]
    return rows


# Specular spots laid over each code of a real photo: (label, spots, radius range as a
# share of the code's side). "glare": one clipped spot with a wide halo over part of the
# code; "large glare": a larger one; "bright spots": three small clipped glints.
REAL_GLARE = [
    ("glare", 1, (0.08, 0.14)),
    ("large glare", 1, (0.14, 0.2)),
    ("bright spots", 3, (0.05, 0.09)),
]


def with_spots(gray: np.ndarray, quad: np.ndarray, spots: int, radius, rng) -> np.ndarray:
    """``gray`` with ``spots`` specular spots (a clipped core, a halo that squeezes the
    contrast) at random places on the code ``quad`` (photo px), as scanner.synth_camera
    lays them on a board photo."""
    side = float(np.linalg.norm(quad - np.roll(quad, 1, axis=0), axis=1).mean())
    out = gray.astype(np.float32)
    yy, xx = np.ogrid[: gray.shape[0], : gray.shape[1]]
    for _ in range(spots):
        a, b = rng.uniform(0.1, 0.9, 2)
        top = quad[0] + a * (quad[1] - quad[0])
        bottom = quad[3] + a * (quad[2] - quad[3])
        x, y = top + b * (bottom - top)
        r = rng.uniform(*radius) * side
        q2 = ((xx - x) ** 2 + (yy - y) ** 2) / r**2
        out += 420.0 * np.exp(-(q2**2)) + 90.0 * np.exp(-q2 / 6)
    return np.clip(out, 0, 255).astype(np.uint8)


def real_glare(root: Path, seeds, scanners: dict) -> dict:
    """Raw zxing-cpp and each scanner (name -> photo path -> texts found) on the real
    photos whose codes raw zxing-cpp reads, each code given spots (:data:`REAL_GLARE`):
    {label: {"codes": n, "zxing-cpp": found, name: found...}}."""
    rows = {label: dict.fromkeys(["codes", "zxing-cpp", *scanners], 0) for label, *_ in REAL_GLARE}
    path = Path(f"/tmp/caseboard-scan-bench-{os.getpid()}.png")
    for img in sorted(root.rglob("*.png")) + sorted(root.rglob("*.jpg")):
        expected = set(_expected(img))
        gray = load_photo(img).gray
        clean = [b for b in zxingcpp.read_barcodes(gray) if _norm(b.text) in expected]
        for k, b in enumerate(clean):
            p = b.position
            corners = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
            quad = np.array([[q.x, q.y] for q in corners], np.float64)
            want = _norm(b.text)
            for label, spots, radius in REAL_GLARE:
                for seed in seeds:
                    rng = np.random.default_rng([seed, k, len(img.name), spots])
                    spotted = with_spots(gray, quad, spots, radius, rng)
                    path.write_bytes(cv2.imencode(".png", spotted)[1].tobytes())
                    r = rows[label]
                    r["codes"] += 1
                    r["zxing-cpp"] += want in {_norm(t) for t in raw_zxing(spotted)}
                    for name, scan in scanners.items():
                        r[name] += want in {_norm(t) for t in scan(path)}
    return rows


def worker_texts(worker: Worker):
    def texts(path: Path) -> set[str]:
        out = worker.scan(path)
        return {t["payload"] for t in out["tiles"]} | set(out["unknown"])

    return texts


def in_process_texts(path: Path) -> set[str]:
    data = scan_photos([path]).to_json()
    return {t["payload"] for t in data["tiles"]} | set(data["unknown"])


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def _expected(img: Path) -> list[str]:
    txt = img.with_suffix(".txt")
    if txt.exists():
        return [_norm(txt.read_text(encoding="utf-8"))]
    js = img.with_name(img.stem + ".expected.json")
    if js.exists():
        data = json.loads(js.read_text(encoding="utf-8"))
        items = data if isinstance(data, list) else data.get("texts", data.get("expected", []))
        return [_norm(t if isinstance(t, str) else t.get("text", "")) for t in items]
    return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=4, help="photos per band")
    ap.add_argument("--real", default="/work/shared/testdata/qr-real")
    ap.add_argument(
        "--band", default="", help="only bands whose label contains one of these (comma-separated)"
    )
    ap.add_argument("--no-memory", action="store_true", help="skip the 48 MP memory run")
    ap.add_argument(
        "--deadline",
        type=float,
        default=None,
        help="the photo's time limit in seconds of wall clock (default: the scanner's, "
        "1.6 s); on a shared, busy machine the wall clock runs several times the CPU time",
    )
    ap.add_argument(
        "--seeds",
        default="0",
        help="photo seeds, comma-separated (0: 0, 1, 2...; 3: 3000, 3001...)",
    )
    ap.add_argument(
        "--baseline",
        default=None,
        help="a commit (e.g. main): its scanner and "
        "this tree's, side by side on the same photos, instead of the raw decoders",
    )
    ap.add_argument(
        "--real-glare",
        type=int,
        default=0,
        metavar="SEEDS",
        help="also the real photos with spots laid over their codes, SEEDS times",
    )
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return serve(args.worker)
    args.seeds = [int(v) for v in args.seeds.split(",")]
    if args.deadline is not None:
        scan_module.HINT_DEADLINE_S = args.deadline
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"machine: {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, "
        f"OpenCV {cv2.__version__}, zxing-cpp {version('zxing-cpp')}; {args.photos} photos "
        f"of 12 MP per band ({2 * args.photos} per hand-held band), 12 tiles each; "
        f"seeds {args.seeds}; time limit {scan_module.HINT_DEADLINE_S} s a photo; "
        f"load average at start {os.getloadavg()[0]:.1f}\n"
    )
    if args.baseline:
        return side_by_side(args)
    head = (
        "| band | seed | tiles | caseboard recall | misplaced | no zone | median s | max s"
        " | median CPU s | max CPU s | streak error px | zxing-cpp | pyzbar"
        " | OpenCV Aruco | caseboard / zxing-cpp |"
    )
    print(head)
    print("|" + "---|" * 15)
    all_times, all_cpu = [], []
    for label, settings, times in BANDS:
        if not any(part in label for part in args.band.split(",")):
            continue
        for seed in args.seeds:
            s = run_band(label, settings, times * args.photos, seed)
            all_times += s["times"]
            all_cpu += s["cpu"]
            print(band_row(label, seed, s), flush=True)
    if all_times:
        print(
            f"\nall bands: median {statistics.median(all_times):.2f} s, max {max(all_times):.2f} s "
            f"per 12 MP photo (caseboard, wall clock); "
            f"CPU median {statistics.median(all_cpu):.2f} s, max {max(all_cpu):.2f} s"
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f} (the machine is shared)")
    if args.no_memory:
        return
    rss, found, visible = peak_memory_48mp()
    print(f"48 MP photo (two boards): peak memory {rss:.0f} MiB, {found}/{visible} tiles")
    rss, found, visible = peak_memory_48mp(hand_held=True)
    print(
        f"48 MP hand-held photo (two boards, 5 px streak, glare, askew, distortion): "
        f"peak memory {rss:.0f} MiB, {found}/{visible} tiles\n"
    )
    root = Path(args.real)
    if root.exists():
        print("| real photos | expected texts | raw zxing-cpp | caseboard | lost vs zxing |")
        print("|---|---|---|---|---|")
        for folder, (n, raw, ours, lost) in real_photos(root).items():
            print(f"| {folder} | {n} | {raw} | {ours} | {len(lost)} {' '.join(lost[:5])} |")
    if args.real_glare and root.exists():
        print_real_glare(root, args.real_glare, {"caseboard": in_process_texts})


def band_row(label: str, seed: int, s: dict) -> str:
    n = s["n"]
    base = {k: v[0] / n for k, v in s["base"].items()}
    ratio = (s["found"] / n) / base["zxing-cpp"] if base["zxing-cpp"] else float("inf")
    err = f"{statistics.median(s['kernel_err']):.2f}" if s["kernel_err"] else "–"
    return (
        f"| {label} | {seed} | {n} | {100 * s['found'] / n:.1f} % | {s['misplaced']} "
        f"| {s['no_zone']} | {statistics.median(s['times']):.2f} | {max(s['times']):.2f} "
        f"| {statistics.median(s['cpu']):.2f} | {max(s['cpu']):.2f} | {err} "
        + " ".join(
            f"| {100 * base[k]:.1f} % ({statistics.median(s['base'][k][1]):.2f} s)"
            for k in BASELINES
        )
        + f" | {ratio:.2f}x |"
    )


def side_by_side(args) -> None:
    """This tree's scanner and the baseline commit's, in two worker processes."""
    here = Path(__file__).resolve().parent.parent
    workers = {
        "this": Worker(here, args.deadline),
        "baseline": Worker(export_tree(args.baseline), args.deadline),
    }
    try:
        print_comparison(args, workers)
        print(f"load average at the end {os.getloadavg()[0]:.1f} (the machine is shared)\n")
        root = Path(args.real)
        if args.real_glare and root.exists():
            texts = {name: worker_texts(w) for name, w in workers.items()}
            print_real(root, texts)
            print_real_glare(root, args.real_glare, texts)
    finally:
        for w in workers.values():
            w.close()


def print_real(root: Path, scanners: dict) -> None:
    """The real photos as they are: expected texts found by raw zxing-cpp and each scanner."""
    names = ["zxing-cpp", *scanners]
    print("| real photos | expected texts | " + " | ".join(names) + " |")
    print("|" + "---|" * (2 + len(names)))
    rows: dict[str, dict] = {}
    for img in sorted(root.rglob("*.png")) + sorted(root.rglob("*.jpg")):
        expected = _expected(img)
        if not expected:
            continue
        r = rows.setdefault(
            str(img.parent.relative_to(root)).split("/")[0], dict.fromkeys(["n", *names], 0)
        )
        r["n"] += len(expected)
        found = {"zxing-cpp": {_norm(t) for t in raw_zxing(load_photo(img).gray)}}
        found |= {name: {_norm(t) for t in scan(img)} for name, scan in scanners.items()}
        for name in names:
            r[name] += sum(1 for e in expected if e in found[name])
    for folder, r in rows.items():
        print(f"| {folder} | {r['n']} | " + " | ".join(str(r[k]) for k in names) + " |")
    print()


def print_real_glare(root: Path, seeds: int, scanners: dict) -> None:
    rows = real_glare(root, range(seeds), scanners)
    names = ["zxing-cpp", *scanners]
    print("| real photos, a spot on each code | codes | " + " | ".join(names) + " |")
    print("|" + "---|" * (2 + len(names)))
    for label, r in rows.items():
        n = r["codes"]
        cells = " | ".join(f"{r[k]} ({100 * r[k] / n:.1f} %)" for k in names)
        print(f"| {label} | {n} | {cells} |")


if __name__ == "__main__":
    main()
