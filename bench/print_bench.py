"""Print benchmark: a team's first kit of 500 tiles, and 500 date stickers.

    python bench/print_bench.py [--families 500] [--repeat 3]

Builds a store with 500 families (as `caseboard family add` would), then times the
library calls behind `caseboard print tiles --all` and `caseboard print stickers
--pending`, each writing a real PDF. The baseline is the previous QR path, kept here
verbatim: every symbol was built by `qrcode` three times (once per version class), and
`qrcode`'s pure-Python mask scoring dominated. Both run in this process, one after the
other, on the same tiles, and the table gives the ratio.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import qrcode  # noqa: E402
from qrcode.constants import ERROR_CORRECT_M  # noqa: E402
from qrcode.util import QRData  # noqa: E402

import tilegen.qr  # noqa: E402
import tilegen.tile  # noqa: E402
from printables.sheets import write_tile_sheets  # noqa: E402
from printables.sticker_sheets import write_sticker_sheets  # noqa: E402
from tilegen.qr import QRSymbol, segment  # noqa: E402
from webapp.accounts.teams import get_team, public_base_url  # noqa: E402
from webapp.cases.families import add_family  # noqa: E402
from webapp.printing.queues import stickers_to_print, tiles_to_print  # noqa: E402
from webapp.store.connection import open_store  # noqa: E402
from webapp.values.actor import Actor  # noqa: E402


def baseline_qr_symbol(text: str) -> QRSymbol:
    """The previous path: build the whole symbol once per version class, keep the smallest."""
    choices = []
    for version_class in range(3):
        segments = segment(text, version_class)
        qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
        for mode, chunk in segments:
            qr.add_data(QRData(chunk, mode=mode))
        qr.make(fit=True)
        choices.append((qr.version, version_class, qr, segments))
    version, _, qr, segments = min(choices, key=lambda c: (c[0], c[1]))
    rows = tuple(tuple(bool(v) for v in row) for row in qr.get_matrix())
    return QRSymbol(text=text, version=version, rows=rows, segments=tuple(segments))


def build_store(folder: Path, families: int):
    db = open_store(folder / "print.db", create=True)
    db["teams"].insert({"name": "North"})
    team = get_team(db, "North")
    start = date.today()
    for i in range(families):
        code = "ABCDEFGHJKLMNPRSTW"[i % 18] + "ABCDEFGHJKLMNPRSTW"[i // 18 % 18] + "r"
        review = start + timedelta(days=i % 40 - 10)
        add_family(
            db, team, initials=code, stage=1 + i % 6, review=review.isoformat(), actor=Actor.cli()
        )
    return db, team


def clear_caches() -> None:
    cache_clear = getattr(tilegen.qr.qr_symbol, "cache_clear", None)
    if cache_clear:
        cache_clear()


def time_tiles(tiles, base_url) -> float:
    clear_caches()
    started = time.perf_counter()
    write_tile_sheets(tiles, io.BytesIO(), base_url=base_url, team_name="North")
    return time.perf_counter() - started


def time_stickers(stickers) -> float:
    started = time.perf_counter()
    write_sticker_sheets(stickers, io.BytesIO())
    return time.perf_counter() - started


def best_of(repeat: int, run) -> float:
    return min(run() for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db, team = build_store(Path(folder), args.families)
        tiles = tiles_to_print(db, team, which="all")
        stickers = stickers_to_print(db, team, [t["token"] for t in tiles])
        base_url = public_base_url(db, team)
        new_tiles = best_of(args.repeat, lambda: time_tiles(tiles, base_url))
        with mock.patch.object(tilegen.tile, "qr_symbol", baseline_qr_symbol):
            old_tiles = best_of(args.repeat, lambda: time_tiles(tiles, base_url))
        new_stickers = best_of(args.repeat, lambda: time_stickers(stickers))
        db.close()
    n = len(tiles)
    print(f"best of {args.repeat}, {n} families, one process")
    print(f"{'what':<28}{'caseboard':>12}{'baseline':>12}{'ratio':>9}  target")
    ratio = old_tiles / new_tiles
    tiles_label, stickers_label = f"print tiles --all ({n})", f"print stickers ({len(stickers)})"
    print(f"{tiles_label:<28}{new_tiles:>11.2f}s{old_tiles:>11.2f}s{ratio:>8.1f}x  < 3 s")
    print(f"{stickers_label:<28}{new_stickers:>11.2f}s{'same path':>12}{'':>9}  keep")
    print(f"per tile: {new_tiles / n * 1000:.1f} ms (baseline {old_tiles / n * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
