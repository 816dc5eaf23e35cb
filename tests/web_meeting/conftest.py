"""Fixtures for the meeting, admin and printing pages: an app on a tmp store, one user
per role in one team, and a second team whose tokens must stay invisible."""

from __future__ import annotations

from datetime import timedelta

import pytest

from webapp import create_app
from webapp.cases.families import add_family
from webapp.cases.teams import ensure_team, team_today
from webapp.cases.users import add_user
from webapp.store.connection import open_store

PASSWORD = "correct horse"


@pytest.fixture
def app(tmp_path):
    return create_app(
        {"DB": str(tmp_path / "caseboard.db"), "TESTING": True, "WTF_CSRF_ENABLED": False}
    )


@pytest.fixture
def store(app):
    db = open_store(app.config["DB"])
    yield db
    db.close()


@pytest.fixture
def team(store):
    return ensure_team(store, "Team")


@pytest.fixture
def other_team(store):
    return ensure_team(store, "Elsewhere")


@pytest.fixture
def users(store, team, other_team):
    made = {
        role: add_user(store, role, role, PASSWORD, "Team")
        for role in ("admin", "manager", "practitioner")
    }
    made["outsider"] = add_user(store, "outsider", "admin", PASSWORD, "Elsewhere")
    return made


@pytest.fixture
def today(team):
    return team_today(team)


@pytest.fixture
def family(store, team, today):
    """Add a family; ``due`` is days from today to its review date."""

    def make(initials="TWr", stage=1, due=30, **fields):
        review = (today + timedelta(days=due)).isoformat()
        return add_family(store, team, initials=initials, stage=stage, review=review, **fields)

    return make


def login_as(client, user: dict):
    """Log a test client in through the Flask-Login session (fast, no password hashing)."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user["id"])
        session["_fresh"] = True
    return client


@pytest.fixture
def client_for(app, users):
    """A logged-in test client for one of: admin, manager, practitioner, outsider."""

    def make(role: str):
        return login_as(app.test_client(), users[role])

    return make


@pytest.fixture
def login():
    return login_as


@pytest.fixture
def password():
    return PASSWORD
