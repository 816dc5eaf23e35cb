"""Fixtures for the rules area (on top of the root conftest): families opened on chosen
dates."""

from __future__ import annotations

from datetime import date

import pytest

from webapp.cases.families import add_family


@pytest.fixture
def add(store, team):
    """Register a family: add(opened=date, type="s.31", flags=[...]) -> its view."""

    def add(initials="TWr", stage=2, review="2030-01-01", opened=None, **fields):
        opened = opened or date(2024, 1, 1)
        return add_family(
            store, team, initials=initials, stage=stage, review=review, opened=opened, **fields
        )

    return add
