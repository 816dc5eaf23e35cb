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
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import cv2
from pyzbar import pyzbar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scan_bands import BANDS, band_photo, photo_seeds  # noqa: E402
from scan_real import (  # noqa: E402
    in_process_texts,
    print_real,
    print_real_glare,
    raw_zxing,
    real_photos,
)
from scan_workers import Worker, _cpu, export_tree, worker_texts  # noqa: E402

import scanner.scan as scan_module  # noqa: E402
from scanner import scan_photos  # noqa: E402
from scanner.images import load_photo  # noqa: E402
from scanner.synth import make_board_photo  # noqa: E402


def raw_zbar(gray):
    return {d.data.decode("utf-8", "replace") for d in pyzbar.decode(gray)}


_ARUCO = cv2.QRCodeDetectorAruco()


def raw_opencv(gray):
    ok, texts, _, _ = _ARUCO.detectAndDecodeMulti(gray)
    return {t for t in texts if t} if ok else set()


BASELINES = {"zxing-cpp": raw_zxing, "pyzbar": raw_zbar, "OpenCV Aruco": raw_opencv}


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
        tally(stats, photo, result["tiles"])
        gray = load_photo(("x.jpg", data)).gray
        for name, fn in BASELINES.items():
            t = time.perf_counter()
            texts = fn(gray)
            stats["base"][name][1].append(time.perf_counter() - t)
            stats["base"][name][0] += sum(1 for tr in photo.visible if tr.payload in texts)
    return stats


def tally(stats: dict, photo, tiles: list[dict]) -> None:
    """Count a scan's tiles against the photo's truth: found, misplaced (read in a zone
    other than its own) and read with no zone."""
    got = {t["token"]: t for t in tiles}
    for truth in photo.visible:
        stats["n"] += 1
        tile = got.get(truth.token)
        if tile is None:
            continue
        stats["found"] += 1
        stats["no_zone"] += tile["zone"] is None
        if tile["zone"] is not None and (tile["stage"], tile["zone"]) != (truth.stage, truth.zone):
            stats["misplaced"] += 1


def compare_band(settings, photos, seed, workers: dict[str, Worker]) -> dict:
    """One band's photos through each worker in turn (order alternating, so that both
    meet the same load): recall, misplaced, wall and CPU seconds per worker."""
    stats = {
        name: {"n": 0, "found": 0, "misplaced": 0, "no_zone": 0, "wall": [], "cpu": []}
        for name in workers
    }
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
            tally(s, photo, out["tiles"])
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


def _arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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
    args = ap.parse_args()
    args.seeds = [int(v) for v in args.seeds.split(",")]
    return args


def main():
    args = _arguments()
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


if __name__ == "__main__":
    main()
