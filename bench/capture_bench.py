"""Benchmark: a camera capture (N frames lined up and averaged) against its baseline, the
best single frame, on the same noisy video.

    python bench/capture_bench.py [--sigmas 18,26,34,42] [--frames 8]

For each noise level it writes an MJPG video of one generated board photo (4 tiles,
2.4 px per module) with Gaussian noise drawn afresh for each frame, then scans every
single frame and the combined frame with the same board geometry and hints, and prints
tiles placed, side by side.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner import scan_photos  # noqa: E402
from scanner.capture import combine, read_frames  # noqa: E402
from scanner.synth import TileSpec, make_board_photo  # noqa: E402
from tilegen.standard import BoardGeometry  # noqa: E402

GEOMETRY = {1: BoardGeometry(1, 400, 300)}
PLACES = [(100, 130), (300, 130), (100, 258), (245, 258)]
TOKENS = [f"BENCH{i:05d}" for i in range(len(PLACES))]


def placed(picture: np.ndarray) -> int:
    result = scan_photos([("frame", Image.fromarray(picture))], GEOMETRY, hints={1: TOKENS})
    return sum(1 for t in result.to_json()["tiles"] if t["zone"])


def video(clean: np.ndarray, path: Path, frames: int, sigma: float) -> str:
    rng = np.random.default_rng(1)
    height, width = clean.shape
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 5, (width, height), False)
    for _ in range(frames):
        writer.write(np.clip(clean + rng.normal(0, sigma, clean.shape), 0, 255).astype(np.uint8))
    writer.release()
    return str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sigmas", default="18,26,34,42")
    parser.add_argument("--frames", type=int, default=8)
    args = parser.parse_args()
    tiles = [TileSpec(t, "TWr", 1, x, y) for t, (x, y) in zip(TOKENS, PLACES, strict=True)]
    shot = make_board_photo(
        tiles,
        (1,),
        size=(1000, 760),
        px_per_module=2.4,
        noise=0,
        glare=False,
        clutter=False,
        poster=False,
        geometries=GEOMETRY,
    )
    clean = np.asarray(shot.image.convert("L")).astype(np.float32)
    print(f"{len(TOKENS)} tiles, 1000 x 760 px, 2.4 px/module, {args.frames} frames, MJPG\n")
    print("| noise sigma | best single frame | mean single frame | combined | method | ratio |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for sigma in (float(s) for s in args.sigmas.split(",")):
            frames = read_frames(video(clean, Path(tmp) / "v.avi", args.frames, sigma), args.frames)
            started = time.monotonic()
            singles = [placed(f) for f in frames]
            single_s = (time.monotonic() - started) / len(frames)
            started = time.monotonic()
            shot = combine(frames)
            combined = placed(shot.image)
            combined_s = time.monotonic() - started
            best = max(singles)
            ratio = f"{combined / best:.2f}x" if best else "inf"
            print(
                f"| {sigma:g} | {best}/4 ({single_s:.1f} s each) | {np.mean(singles):.1f}/4 "
                f"| {combined}/4 ({combined_s:.1f} s) | {shot.method} | {ratio} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
