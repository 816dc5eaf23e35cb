"""The fixtures every area shares, in the flaskr style: one meaning per name.

Store and data
  ``store_template`` (session) a migrated store holding team "Team", as
                  ``caseboard init --team Team --base-url TEST_BASE_URL`` leaves it (tiles
                  are never printed without a public base URL); made once, copied per test
  ``db_path``     a fresh store for this test: a copy of ``store_template``
  ``store``       an open sqlite-utils Database on ``db_path`` (migrated)
  ``team``        the "Team" row
  ``today``       the team's today
  ``other_team``  a second team, "Elsewhere", whose tiles must stay invisible
  ``users``       admin, manager and practitioner of "Team" and "outsider" (an admin of
                  "Elsewhere"), by role; all with the password ``tests.helpers.web.PASSWORD``
  ``api_tokens``  a bearer token for each of ``users``, by role
  ``family``      ``family(initials, stage, due=days, **fields)`` adds a family to "Team"
  ``add``         ``add(opened=date, type="s.31", flags=[...])`` adds a family to "Team"
                  opened on a chosen day (1 January 2024 unless given), its review in 2030
                  (for the rules and practice tests, which count from the day a case opened)

App and clients
  ``app``         ``create_app`` on ``db_path``, TESTING, CSRF off
  ``csrf_app``    the same with CSRF on, as in production
  ``client``      a test client of ``app``; ``client.form(url, data)`` posts a form with
                  its CSRF token
  ``csrf_client`` a test client of ``csrf_app``
  ``auth``        ``auth.login(username, password)`` / ``auth.logout()`` for ``client``,
                  through the real /login form
  ``csrf_auth``   the same for ``csrf_client``
  ``client_for``  ``client_for(role)``: a client of ``app`` logged in as one of ``users``
  ``runner``      ``runner(*args)`` runs ``caseboard *args --db db_path``;
                  ``runner.json(*args)`` adds ``--json`` and parses the output
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner
from werkzeug.security import generate_password_hash

import webapp.accounts.users
from tests.helpers.web import PASSWORD, AuthActions, Client
from webapp import create_app
from webapp.accounts.teams import ensure_team, set_setting, team_today
from webapp.accounts.users import add_user, create_api_token
from webapp.cases.families import add_family
from webapp.cli import main
from webapp.store.connection import open_store
from webapp.values.actor import Actor

#: Test users' passwords are hashed with a cheap method (the app checks any werkzeug
#: hash); scrypt, the app's default, costs a quarter of a second per hash and per log-in.
#: The public base URL every test store has (tiles are printed only with one set).
TEST_BASE_URL = "https://caseboard.example.org"

CHEAP_HASH = partial(generate_password_hash, method="pbkdf2:sha256:1000")


# -- store and data ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def store_template(tmp_path_factory) -> Path:
    """A migrated store holding team "Team", made once and copied for every test."""
    path = tmp_path_factory.mktemp("template") / "caseboard.db"
    db = open_store(path, create=True)
    ensure_team(db, "Team")
    set_setting(db, "base_url", TEST_BASE_URL)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def db_path(store_template, tmp_path) -> str:
    path = tmp_path / "caseboard.db"
    shutil.copy(store_template, path)
    return str(path)


@pytest.fixture
def store(db_path):
    db = open_store(db_path)
    yield db
    db.close()


@pytest.fixture
def team(store):
    return ensure_team(store, "Team")


@pytest.fixture
def today(team):
    return team_today(team)


@pytest.fixture
def other_team(store):
    return ensure_team(store, "Elsewhere")


@pytest.fixture
def users(store, team, other_team) -> dict[str, dict]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(webapp.accounts.users, "generate_password_hash", CHEAP_HASH)
        made = {
            role: add_user(store, role, role, PASSWORD, team["name"])
            for role in ("admin", "manager", "practitioner")
        }
        made["outsider"] = add_user(store, "outsider", "admin", PASSWORD, other_team["name"])
    return made


@pytest.fixture
def api_tokens(store, users) -> dict[str, str]:
    return {role: create_api_token(store, user["username"]) for role, user in users.items()}


@pytest.fixture
def family(store, team, today):
    """Add a family to "Team"; ``due`` is days from today to its review date (a ``review``
    field wins)."""

    def make(initials="TWr", stage=1, due=30, **fields):
        fields.setdefault("review", (today + timedelta(days=due)).isoformat())
        return add_family(store, team, initials=initials, stage=stage, actor=Actor.cli(), **fields)

    return make


@pytest.fixture
def add(store, team):
    """Register a family: add(opened=date, type="s.31", flags=[...]) -> its view."""

    def add(initials="TWr", stage=2, review="2030-01-01", opened=None, **fields):
        opened = opened or date(2024, 1, 1)
        return add_family(
            store, team, initials=initials, stage=stage, review=review, opened=opened,
            actor=Actor.cli(), **fields,
        )  # fmt: skip

    return add


# -- app and clients -----------------------------------------------------------------------


def _app(db_path: str, csrf: bool):
    app = create_app({"DB": db_path, "TESTING": True, "WTF_CSRF_ENABLED": csrf})
    app.test_client_class = Client
    return app


@pytest.fixture
def app(db_path):
    return _app(db_path, csrf=False)


@pytest.fixture
def csrf_app(db_path):
    return _app(db_path, csrf=True)


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def csrf_client(csrf_app) -> Client:
    return csrf_app.test_client()


@pytest.fixture
def auth(client, users) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def csrf_auth(csrf_client, users) -> AuthActions:
    return AuthActions(csrf_client)


@pytest.fixture
def client_for(app, users):
    """``client_for(role)``: a client of ``app`` logged in through the /login form as
    admin, manager, practitioner or outsider (one client per role per test)."""
    made: dict[str, Client] = {}

    def make(role: str) -> Client:
        if role not in made:
            client = app.test_client()
            response = AuthActions(client).login(users[role]["username"])
            assert response.status_code == 302, response.get_data(as_text=True)
            made[role] = client
        return made[role]

    return make


class Cli:
    """Runs `caseboard` commands against one store, like a shell would (``--db`` added)."""

    def __init__(self, db_path: str | Path):
        self.db_path = str(db_path)
        self.click = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.click.invoke(main, [*args, "--db", self.db_path], input=input)

    def json(self, *args: str):
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    def on(self, db_path: str | Path) -> Cli:
        """The same runner on another store."""
        return Cli(db_path)


@pytest.fixture
def runner(db_path) -> Cli:
    return Cli(db_path)
