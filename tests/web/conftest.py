"""Fixtures for the web core: a store built once per session (users hash their
passwords slowly) and copied for every test; an app with CSRF on, as in production;
logged-in clients of each role in two teams; one synthetic board photo."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from web_helpers import PASSWORD, Client

from webapp import create_app
from webapp.cases.families import add_family
from webapp.cases.teams import ensure_team, team_today
from webapp.cases.users import add_user, create_api_token
from webapp.store.connection import open_store

ROLES = ("admin", "manager", "practitioner")
#: (board code, stage, review in days from today, worker)
FAMILIES = [
    ("TWr", 1, 9, "Sam"),  # amber, photographed in main: wrong section
    ("AKh", 1, -3, "Priya"),  # red (3 days overdue), photographed in main: wrong section
    ("MOl", 1, 40, "Sam"),  # green, photographed in main: fine
    ("JBa", 2, 30, "Jo"),  # green, photographed on board 1: moved board
    ("RSm", 1, 50, "Priya"),  # green, on board 1 but not in the photo: missing
    ("ENg", 4, 60, "Jo"),  # elsewhere, not photographed
]


class Built:
    """What the session store holds: users, tokens, families by board code."""

    def __init__(self, path):
        self.path = path
        self.users: dict[str, dict] = {}
        self.api: dict[str, str] = {}
        self.families: dict[str, dict] = {}
        self.other: dict = {}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    path = tmp_path_factory.mktemp("web") / "template.db"
    db = open_store(path, create=True)
    team = ensure_team(db, "Team")
    ensure_team(db, "Elsewhere")
    b = Built(path)
    for role in ROLES:
        b.users[role] = add_user(db, role, role, PASSWORD, "Team")
        b.api[role] = create_api_token(db, role)
    b.users["outsider"] = add_user(db, "outsider", "admin", PASSWORD, "Elsewhere")
    b.api["outsider"] = create_api_token(db, "outsider")
    today = team_today(team)
    for code, stage, days, worker in FAMILIES:
        review = (today + timedelta(days=days)).isoformat()
        b.families[code] = add_family(
            db, team, initials=code, stage=stage, review=review, worker=worker
        )
    elsewhere = ensure_team(db, "Elsewhere")
    b.other = add_family(db, elsewhere, initials="ZZz", stage=1, review=today.isoformat())
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return b


@pytest.fixture
def db_path(built, tmp_path):
    path = tmp_path / "caseboard.db"
    shutil.copy(built.path, path)
    return str(path)


@pytest.fixture
def app(db_path):
    return create_app({"DB": db_path, "TESTING": True, "LOGIN_ATTEMPTS": 3})


@pytest.fixture
def store(app):
    db = open_store(app.config["DB"])
    yield db
    db.close()


@pytest.fixture
def team(store):
    return ensure_team(store, "Team")


@pytest.fixture
def fam(built):
    return built.families


@pytest.fixture
def anon(app):
    return Client(app.test_client())


@pytest.fixture
def client_for(app, built):
    """A client logged in through the login form as admin, manager, practitioner or outsider."""
    cache: dict[str, Client] = {}

    def make(role: str) -> Client:
        if role not in cache:
            client = Client(app.test_client())
            response = client.login(built.users[role]["username"])
            assert response.status_code == 302, response.get_data(as_text=True)
            cache[role] = client
        return cache[role]

    return make


@pytest.fixture(scope="session")
def board_photo(built) -> bytes:
    """Board 1 photographed: TWr and AKh in main (wrong section), MOl in main,
    JBa (store: board 2) on board 1, RSm absent, plus a poster QR that is no tile."""
    from scanner.synth import TileSpec, make_board_photo

    f = built.families
    tiles = [
        TileSpec(f["TWr"]["token"], "TWr", 1, 200, 200),
        TileSpec(f["AKh"]["token"], "AKh", 1, 450, 300),
        TileSpec(f["MOl"]["token"], "MOl", 1, 800, 250),
        TileSpec(f["JBa"]["token"], "JBa", 1, 600, 480),
    ]
    shot = make_board_photo(tiles, (1,), size=(2600, 2000), px_per_module=2.2, seed=3)
    return shot.jpeg_bytes()


@pytest.fixture
def live_server(app):
    """The app on waitress in a thread, on a free local port: ``(base_url, app)``."""
    import threading

    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)
