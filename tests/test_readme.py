"""The README tells the truth: every command of its tour runs, and every page it names opens."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from scanner.synth import TileSpec, make_board_photo
from tests.helpers.import_sheets import CHILDREN, write_xlsx
from webapp.cases.families import get_family_row

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
DOCS = [README, *(p.read_text() for p in (ROOT / "docs").glob("*.md"))]
#: Commands whose whole run is tested elsewhere: building the demo and serving.
RUN_ELSEWHERE = {
    "demo": "tests/core/test_demo.py",
    "serve": "tests/web/test_serve.py",
    "doctor": "tests/safety/test_doctor.py",  # exits 1 here: no mail server, no backup
}
EXAMPLE_TOKEN = "K7M2Q9XH3A"


def tour_commands() -> list[list[str]]:
    """The `caseboard ...` lines of the README's command-line tour, as argument lists."""
    section = README.split("## A tour of the command line", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    joined = block.replace("\\\n", " ")
    lines = [line.split(" # ", 1)[0].strip() for line in joined.splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("caseboard ")]


def page_paths() -> set[str]:
    """Every page path the README and docs name in code spans, e.g. `/agenda` or `/t/<token>`."""
    found = set()
    for text in DOCS:
        found |= set(re.findall(r"`(/(?:[a-z][a-z._-]*/?)*(?:<token>)?)`", text))
    return {p for p in found if not p.startswith(("/api", "/login", "/work"))}


def test_the_tour_is_there_to_check():
    commands = {args[0] for args in tour_commands()}
    assert {"init", "family", "print", "scan", "agenda", "alerts", "report"} <= commands
    assert set(RUN_ELSEWHERE) <= commands
    assert {"/", "/t/<token>", "/agenda", "/scans/new", "/admin/", "/printing/"} <= page_paths()


@pytest.mark.slow
def test_every_tour_command_runs(runner, tmp_path, monkeypatch):
    """Each command exactly as the README prints it, in order, on a new store."""
    monkeypatch.chdir(tmp_path)
    runner = runner.on(tmp_path / "tour" / "caseboard.db")
    Path("families.csv").write_text("initials,stage,review\nABc,2,2027-02-01\nDEf,3,2027-03-01\n")
    write_xlsx(Path("open-cases.xlsx"), CHILDREN)  # a case system's export
    token = None
    for args in tour_commands():
        if args[0] in RUN_ELSEWHERE:
            continue
        if token:
            args = [token if a == EXAMPLE_TOKEN else a for a in args]
        if args[0] == "scan":
            _photograph_board_1(runner, token)
        secret = "a long enough password\n"
        result = runner(*args, input=secret * 2 if args[:2] == ["user", "add"] else None)
        assert result.exit_code == 0, f"caseboard {shlex.join(args)}: {result.output}"
        if args[:2] == ["family", "add"]:
            token = result.output.strip().split()[-1]
        if args[0] == "scan":
            assert f'"token": "{token}"' in result.output, "the tour's tile was read"
    assert token
    for name in ("tiles.pdf", "kit.pdf", "stickers.pdf", "drift.pdf"):
        assert (tmp_path / name).read_bytes().startswith(b"%PDF"), name
    assert sorted(p.name for p in (tmp_path / "out").iterdir())


def _photograph_board_1(runner, token: str) -> None:
    """The README scans wall-1.jpg and wall-2.jpg: board 1 with the tour's tile, and board 2."""
    tiles = [TileSpec(token, "TWr", 1, 300.0, 300.0)]
    make_board_photo(tiles, (1,), size=(2600, 2000), px_per_module=2.6, seed=5).image.save(
        "wall-1.jpg"
    )
    make_board_photo([], (2,), size=(1600, 1200), seed=6).image.save("wall-2.jpg")


@pytest.mark.parametrize("path", sorted(page_paths()))
def test_every_page_the_docs_name_opens(path, client_for, family):
    token = family("TWr", stage=2, due=-3)["token"]
    response = client_for("admin").get(path.replace("<token>", token))
    assert response.status_code == 200, path
    assert b"<h1" in response.data or b"<h2" in response.data, path


def test_the_api_calls_the_readme_shows(client, api_tokens, family, store, team):
    """`GET /api/tiles/<token>` and an apply of an unknown scan, with a manager's token."""
    token = family("TWr", stage=2, due=5)["token"]
    headers = {"Authorization": f"Bearer {api_tokens['manager']}"}
    tile = client.get(f"/api/tiles/{token}", headers=headers).get_json()
    assert tile["token"] == token and tile["status"] == "amber"
    assert get_family_row(store, token, team)["stage"] == tile["stage"]
    missing = client.post("/api/scans/7/apply", headers=headers)
    assert missing.status_code == 404 and "error" in missing.get_json()
