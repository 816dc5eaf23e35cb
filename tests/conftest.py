"""Fixtures shared by every area: a fresh store per test and a CLI runner on it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from webapp.cases.teams import ensure_team
from webapp.cli import main
from webapp.store.connection import open_store


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "caseboard.db")


@pytest.fixture
def db(db_path):
    store = open_store(db_path, create=True)
    yield store
    store.close()


@pytest.fixture
def team(db):
    return ensure_team(db, "Team")


class Cli:
    """Runs `caseboard` commands against one store, like a shell would."""

    def __init__(self, db_path: str):
        self.db_path = db_path
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(main, [*args, "--db", self.db_path], input=input)

    def json(self, *args: str):
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)


@pytest.fixture
def cli(db_path):
    cli = Cli(db_path)
    assert cli("init", "--team", "Team").exit_code == 0
    return cli
