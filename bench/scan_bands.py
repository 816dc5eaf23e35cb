"""The scanner benchmark's bands: generated 12 MP board photos, steady and hand-held,
each band a set of settings over :data:`STEADY` (see scan_bench.py's docstring)."""

from __future__ import annotations

import random

import numpy as np

from scanner.synth import DEMO_BASE_URL, finder_glints, make_board_photo, random_tiles

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


def photo_seeds(photos: int, seed: int) -> range:
    """The photo seeds of one run: seed 0 is 0, 1, 2...; seed 3 is 3000, 3001..."""
    return range(1000 * seed, 1000 * seed + photos)
