"""Tiles are never printed while the public base URL is unset or points at this machine
(CONTRACT §14): `print tiles` exits 2 saying how to set it, and the printing page says so
and offers no tile download."""

from __future__ import annotations

import pytest

from tests.helpers.web import text
from webapp.printing.address import is_this_machine


@pytest.fixture
def no_base_url(monkeypatch, store, team):
    """No base URL anywhere: not in the environment, the team or the store."""
    monkeypatch.delenv("CASEBOARD_BASE_URL", raising=False)
    store.execute("delete from settings where key = 'base_url'")
    store["teams"].update(team["id"], {"base_url": None})


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:5000", True),
        ("http://127.3.2.1", True),
        ("http://localhost:8000", True),
        ("HTTP://LOCALHOST", True),
        ("http://app.localhost", True),
        ("http://[::1]:5000", True),
        ("http://0.0.0.0:5000", True),
        ("https://caseboard.example.org", False),
        ("http://10.0.0.5:8000", False),
        ("https://cb.council.gov.uk/team", False),
    ],
)
def test_this_machine_addresses(url, local):
    assert is_this_machine(url) is local


def test_print_tiles_without_a_base_url_exits_2_saying_how(runner, family, tmp_path, no_base_url):
    family()
    out = tmp_path / "tiles.pdf"
    result = runner("print", "tiles", "--all", "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "no public base URL is set" in result.output
    assert "caseboard init --base-url" in result.output and "CASEBOARD_BASE_URL" in result.output
    assert "Traceback" not in result.output and not out.exists()
    png = runner("print", "tiles", "--all", "--format", "png", "--out", str(tmp_path / "png"))
    assert png.exit_code == 2 and not (tmp_path / "png").exists()


@pytest.mark.parametrize("url", ["http://127.0.0.1:5000", "http://localhost:8000", "http://[::1]"])
def test_print_tiles_with_this_machines_address_exits_2(runner, family, tmp_path, no_base_url, url):
    family()
    assert runner("init", "--base-url", url).exit_code == 0
    out = tmp_path / "tiles.pdf"
    result = runner("print", "tiles", "--all", "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "points at this machine only" in result.output and not out.exists()


def test_setting_the_base_url_lets_tiles_print(runner, family, tmp_path, no_base_url):
    family()
    assert runner("init", "--base-url", "https://cb.council.example").exit_code == 0
    out = tmp_path / "tiles.pdf"
    result = runner("print", "tiles", "--all", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000
    bad = runner("init", "--base-url", "cb.council.example")
    assert bad.exit_code == 2 and "must start with http" in bad.output


def test_the_environment_alone_may_be_this_machine_too(runner, family, tmp_path, monkeypatch):
    family()
    monkeypatch.setenv("CASEBOARD_BASE_URL", "http://127.0.0.1:5000")
    result = runner("print", "tiles", "--all", "--out", str(tmp_path / "t.pdf"))
    assert result.exit_code == 2 and "points at this machine only" in result.output


def test_the_printing_page_says_how_and_refuses_the_download(client_for, family, no_base_url):
    family()
    client = client_for("manager")
    page = text(client.get("/printing/"))
    assert "Tiles cannot be printed yet: no public base URL is set" in page
    assert "admin page" in page
    response = client.get("/printing/tiles.pdf?which=all")
    assert response.status_code == 400
    assert "no tiles printed" in text(response)
    assert response.mimetype != "application/pdf"
