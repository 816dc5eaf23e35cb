"""Fixtures for the printing tests: a fixed public base URL and families in a tmp store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from printing_helpers import BASE_URL

from webapp.cases.families import add_family
from webapp.cases.teams import team_today


@pytest.fixture(autouse=True)
def base_url(monkeypatch):
    monkeypatch.setenv("CASEBOARD_BASE_URL", BASE_URL)
    return BASE_URL


@pytest.fixture
def family(cli, db, team):
    """Add a family to the CLI's store; ``due`` is days from today to its review date."""

    def make(initials="TWr", stage=1, due=30, **fields):
        review = (team_today(team) + timedelta(days=due)).isoformat()
        return add_family(db, team, initials=initials, stage=stage, review=review, **fields)

    return make
