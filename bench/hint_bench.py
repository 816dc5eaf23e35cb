"""Benchmark the hint pass: the combined hardest band, with and without hints.

    python bench/hint_bench.py [--photos N] [--first-seed S]

Same photos as the last row of ``scan_bench.py`` (2.5 px/module at the view
centre, 35° yaw, blur σ 1.2, 12 MP, 12 tiles). The hint lists every tile on the
board, as the web app does. Prints recall, misplaced tiles and seconds per photo.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner import scan_photos  # noqa: E402
from scanner.synth import make_board_photo  # noqa: E402


def run(photos: int, first_seed: int, hinted: bool) -> dict:
    n = found = misplaced = 0
    times = []
    for seed in range(first_seed, first_seed + photos):
        photo = make_board_photo(
            stages=(1,),
            n_tiles=12,
            px_per_module=2.5,
            yaw=35,
            blur=1.2,
            size=(4000, 3000),
            seed=100 + seed,
            roll=(seed % 3 - 1) * 3,
            pitch=(seed % 2) * 8 - 4,
        )
        hints = {1: [t.token for t in photo.tiles if t.stage == 1]} if hinted else None
        t = time.perf_counter()
        result = scan_photos([(f"hint-{seed}.jpg", photo.jpeg_bytes())], hints=hints).to_json()
        times.append(time.perf_counter() - t)
        got = {tile["token"]: tile for tile in result["tiles"]}
        for truth in photo.visible:
            n += 1
            tile = got.get(truth.token)
            if tile is None:
                continue
            found += 1
            if tile["zone"] is not None and (tile["stage"], tile["zone"]) != (
                truth.stage,
                truth.zone,
            ):
                misplaced += 1
    return {"n": n, "found": found, "misplaced": misplaced, "times": times}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=4)
    ap.add_argument("--first-seed", type=int, default=0)
    args = ap.parse_args()
    print("| mode | tiles | found | misplaced | median s | max s |")
    print("|---|---|---|---|---|---|")
    for hinted in (False, True):
        s = run(args.photos, args.first_seed, hinted)
        print(
            f"| {'hints' if hinted else 'no hints'} | {s['n']} | {s['found']} | {s['misplaced']} "
            f"| {statistics.median(s['times']):.2f} | {max(s['times']):.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
