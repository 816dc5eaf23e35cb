"""One PNG per tile, named ``TOKEN.png``, at its physical size with its dpi stored."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from tilegen.raster import save_png
from tilegen.tile import tile_layout

from .output import atomic_output


def write_tile_pngs(
    tiles: Sequence[dict],
    folder: str | os.PathLike,
    *,
    base_url: str,
    team_name: str = "",
    dpi: float = 600,
) -> list[Path]:
    """Write ``<folder>/<token>.png`` for each tile (``token``, ``initials``); returns the paths.

    Each file is written to a temporary name and renamed, so none is ever half-written.
    """
    if not tiles:
        raise ValueError("no tiles to print")
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, not {dpi}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    layouts = [
        (t["token"], tile_layout(t["token"], t["initials"], base_url, team_name)) for t in tiles
    ]
    paths = []
    for token, layout in layouts:
        path = folder / f"{token}.png"
        with atomic_output(path) as fh:
            save_png(layout, fh, dpi)
        paths.append(path)
    return paths
