"""What a tile's code is known to hold before it is read: ``<base URL>/t/<token>``, the
token ten characters of a fixed alphabet, then the standard's padding. The data
codewords no token changes are put in place before Reed-Solomon
(:func:`scanner.qr_codewords.decode_modules`), so its check symbols go to the token and
to what glare hid.
"""

from __future__ import annotations

import random

from tilegen.payload import (
    TILE_PATH,
    TOKEN_ALPHABET,
    TOKEN_LENGTH,
    normalise_base_url,
    parse_tile_url,
)

from . import qr_codewords
from .decode import Code


def tile_codewords(tiles: list[Code], base_url: str | None):
    """For a module count, the data codewords of the tile texts this photo may hold: one
    map for each text before the token (the deployment's, else those of tiles read here,
    most common first)."""
    counts: dict[str, int] = {}
    for c in tiles:
        prefix = c.text[: -len(parse_tile_url(c.text))]
        counts[prefix] = counts.get(prefix, 0) + 1
    prefixes = sorted(counts, key=lambda p: -counts[p])
    if base_url is not None:
        prefixes = [normalise_base_url(base_url) + TILE_PATH]

    def known(n: int) -> tuple[dict[int, int], ...]:
        version = qr_codewords.version_of(n)
        maps = (qr_codewords.known_codewords(sample_texts(p), version) for p in prefixes)
        return tuple(m for m in maps if m)

    return known


def sample_texts(prefix: str, count: int = 16) -> tuple[str, ...]:
    """Texts of ``prefix`` and random tokens: the codewords all of them share are the
    ones no token changes."""
    rng = random.Random(prefix)
    tokens = (
        "".join(rng.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH)) for _ in range(count)
    )
    return tuple(prefix + t for t in tokens)
