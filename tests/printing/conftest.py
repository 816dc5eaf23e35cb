"""Fixtures for the printing tests (on top of the root conftest): a fixed public base URL."""

from __future__ import annotations

import pytest

from tests.helpers.printed_pages import BASE_URL


@pytest.fixture(autouse=True)
def base_url(monkeypatch):
    monkeypatch.setenv("CASEBOARD_BASE_URL", BASE_URL)
    return BASE_URL
