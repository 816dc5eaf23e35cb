"""Fixtures for wall cameras and watched folders: small boards (400 x 300 mm) so that
generated photos are about 1000 x 760 px and every scan takes a fraction of a second.

Board 1 holds four tiles (two in main, one amber, one red, each where its date puts it),
board 2 holds two in main. ``wall`` registers them in "Team" with the tokens printed on
the photos; ``board_shot(stage)`` is the generated photo of one board, without noise.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tilegen.payload import new_token
from tilegen.standard import BoardGeometry

BOARD_MM = (400.0, 300.0)
PHOTO_SIZE = (1000, 760)
PX_PER_MODULE = 2.4
#: (board code, stage, days to review, x mm, y mm): each tile in the zone its date asks for
TILES = [
    ("TWr", 1, 40, 100, 130),
    ("AKh", 1, 50, 300, 130),
    ("MOl", 1, 7, 100, 258),  # amber, in the amber section
    ("JBa", 1, -3, 245, 258),  # overdue, in the red section
    ("RSm", 2, 60, 100, 130),
    ("ENg", 2, 45, 300, 130),
]


def zone_of(x: float, y: float) -> str:
    return "main" if y < 225 else ("amber" if x < 200 else "red")


@pytest.fixture(scope="session")
def places(tokens):
    """``places(stage)``: token -> (stage, zone) of every tile on that board's photo."""
    return lambda stage: {
        tokens[code]: (s, zone_of(x, y)) for code, s, _, x, y in TILES if s == stage
    }


def geometries() -> dict[int, BoardGeometry]:
    return {s: BoardGeometry(s, *BOARD_MM) for s in (1, 2)}


@pytest.fixture(scope="session")
def tokens() -> dict[str, str]:
    return {code: new_token() for code, *_ in TILES}


@pytest.fixture(scope="session")
def board_shot(tokens):
    """``board_shot(stage)``: the noiseless generated photo of one board (cached)."""
    from scanner.synth import TileSpec, make_board_photo

    made = {}

    def shot(stage: int):
        if stage not in made:
            specs = [
                TileSpec(tokens[code], code, s, x, y) for code, s, _, x, y in TILES if s == stage
            ]
            made[stage] = make_board_photo(
                specs,
                (stage,),
                size=PHOTO_SIZE,
                px_per_module=PX_PER_MODULE,
                noise=0,
                glare=False,
                clutter=False,
                poster=False,
                geometries=geometries(),
                seed=stage,
            )
        return made[stage]

    return shot


@pytest.fixture
def small_boards(store, team):
    """The team's boards 1 and 2 at the photos' size."""
    store.execute(
        "update boards set width_mm = ?, height_mm = ? where team_id = ? and stage in (1, 2)",
        [*BOARD_MM, team["id"]],
    )
    return team


@pytest.fixture
def wall(store, small_boards, family, tokens) -> dict[str, dict]:
    """The six families of ``TILES`` in "Team", with the tokens on the photos."""
    made = {}
    for code, stage, days, *_ in TILES:
        view = family(code, stage=stage, due=days)
        store.execute("update families set token = ? where id = ?", [tokens[code], view["id"]])
        made[code] = {**view, "token": tokens[code]}
    return made


def gray_jpeg(gray: np.ndarray, quality: int = 92) -> bytes:
    ok, data = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


@pytest.fixture(scope="session")
def board_jpeg(board_shot):
    """``board_jpeg(stage)``: one board's photo as a camera would store it."""
    return lambda stage: gray_jpeg(np.asarray(board_shot(stage).image.convert("L")))


@pytest.fixture(scope="session")
def noisy_video(board_shot, tmp_path_factory):
    """``noisy_video(stage, frames, sigma)``: an MJPG .avi of one board's photo with
    Gaussian sensor noise drawn afresh for each frame (cached); its path."""
    made = {}

    def video(stage: int = 1, frames: int = 8, sigma: float = 18.0) -> str:
        key = (stage, frames, sigma)
        if key not in made:
            clean = np.asarray(board_shot(stage).image.convert("L")).astype(np.float32)
            path = tmp_path_factory.mktemp("video") / f"board{stage}.avi"
            rng = np.random.default_rng(stage)
            height, width = clean.shape
            fourcc = cv2.VideoWriter_fourcc(*"MJPG")
            writer = cv2.VideoWriter(str(path), fourcc, 5, (width, height), False)
            assert writer.isOpened()
            for _ in range(frames):
                noise = rng.normal(0, sigma, clean.shape)
                writer.write(np.clip(clean + noise, 0, 255).astype(np.uint8))
            writer.release()
            made[key] = str(path)
        return made[key]

    return video
