"""Fixtures for the web core (on top of the root conftest): six families on the boards,
one family of another team, one synthetic board photo of them, and the app on a real
server."""

from __future__ import annotations

import pytest

from tests.helpers import web
from tests.helpers.web import running_server
from tilegen.payload import new_token
from webapp.cases.families import add_family
from webapp.values.actor import Actor

#: (board code, stage, review in days from today, worker)
FAMILIES = [
    ("TWr", 1, 9, "Sam"),  # amber, photographed in main: wrong section
    ("AKh", 1, -3, "Priya"),  # red (3 days overdue), photographed in main: wrong section
    ("MOl", 1, 40, "Sam"),  # green, photographed in main: fine
    ("JBa", 2, 30, "Jo"),  # green, photographed on board 1: moved board
    ("RSm", 1, 50, "Priya"),  # green, on board 1 but not in the photo: missing
    ("ENg", 4, 60, "Jo"),  # elsewhere, not photographed
]


@pytest.fixture(scope="session")
def board_tokens() -> dict[str, str]:
    """One token per board code for the whole session, so the session's board photo
    carries the tokens every test's families have."""
    return {code: new_token() for code, *_ in FAMILIES}


@pytest.fixture
def fam(store, family, board_tokens) -> dict[str, dict]:
    """The six families of ``FAMILIES`` in "Team", by board code, with ``board_tokens``."""
    made = {}
    for code, stage, days, worker in FAMILIES:
        view = family(code, stage=stage, due=days, worker=worker)
        token = board_tokens[code]
        store.execute("update families set token = ? where id = ?", [token, view["id"]])
        made[code] = {**view, "token": token}
    return made


@pytest.fixture
def other_family(store, other_team, today) -> dict:
    """Family ZZz of team "Elsewhere", due today."""
    return add_family(
        store, other_team, initials="ZZz", stage=1, review=today.isoformat(), actor=Actor.cli()
    )


@pytest.fixture(scope="session")
def board_photo(board_tokens) -> bytes:
    """Board 1 photographed: TWr and AKh in main (wrong section), MOl in main,
    JBa (store: board 2) on board 1, RSm absent, plus a poster QR that is no tile."""
    from scanner.synth import TileSpec, make_board_photo

    t = board_tokens
    tiles = [
        TileSpec(t["TWr"], "TWr", 1, 200, 200),
        TileSpec(t["AKh"], "AKh", 1, 450, 300),
        TileSpec(t["MOl"], "MOl", 1, 800, 250),
        TileSpec(t["JBa"], "JBa", 1, 600, 480),
    ]
    shot = make_board_photo(tiles, (1,), size=(2600, 2000), px_per_module=2.2, seed=3)
    return shot.jpeg_bytes()


@pytest.fixture
def live_server(csrf_app, users):
    """``csrf_app`` (as in production) on waitress in a thread, with the test users:
    its base URL."""
    with running_server(csrf_app) as base_url:
        yield base_url


# -- Debian's Chromium --------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for every browser test, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=web.CHROMIUM,
            args=web.CHROMIUM_ARGS,
            env=web.chromium_env(),
        )
        yield chromium
        chromium.close()
