"""The board page: six boards as on the wall, zones, status words, marks, worker filter."""

from __future__ import annotations

import re

from tests.helpers.web import text
from webapp.scans.applying import apply_scan
from webapp.scans.previews import preview_scan
from webapp.values.actor import Actor


def board_section(page: str, stage: int) -> str:
    return re.search(rf'<section class="board" id="board-{stage}".*?</section>', page, re.S).group(
        0
    )


def zone_of(section: str, zone: str) -> str:
    return re.search(rf'data-zone="{zone}">(.*?)</div>', section, re.S).group(1)


def test_six_boards_with_zones_and_tiles(client_for, fam):
    page = text(client_for("practitioner").get("/"))
    assert page.count('<section class="board"') == 6
    board1 = board_section(page, 1)
    assert "1</span> Assessment" in board1
    # never photographed: each tile is drawn in the section its status expects, dashed
    assert "AKh" in zone_of(board1, "red") and "overdue" in zone_of(board1, "red")
    assert "TWr" in zone_of(board1, "amber") and "due soon" in zone_of(board1, "amber")
    assert "MOl" in zone_of(board1, "main") and "on track" in zone_of(board1, "main")
    assert "tile-unseen" in board1
    assert "JBa" in board_section(page, 2)


def test_tiles_seen_in_the_wrong_section_are_marked(client_for, fam, store, team, users):
    scan = {
        "tiles": [
            {"payload": f"http://x/t/{fam['AKh']['token']}", "stage": 1, "zone": "main",
             "x_mm": 300.0, "y_mm": 200.0, "photo": "p"},
        ],
        "boards": [{"stage": 1, "photo": "p", "markers": 4}],
        "unknown": [],
    }  # fmt: skip
    preview = preview_scan(store, team, scan, actor=Actor.web(users["manager"]["id"]))
    apply_scan(store, team, preview["id"], actor=Actor.web(users["manager"]["id"]))
    board1 = board_section(text(client_for("practitioner").get("/")), 1)
    main = zone_of(board1, "main")
    assert "AKh" in main and "→ red" in main and "tile-move" in main
    assert "AKh" not in zone_of(board1, "red")


def test_worker_filter(client_for, fam):
    page = text(client_for("practitioner").get("/?worker=Jo"))
    assert "JBa" in page and "ENg" in page
    assert "TWr" not in page and "AKh" not in page
    assert "<option selected>Jo</option>" in page


def test_board_shows_only_the_users_team(client_for, fam, other_family):
    assert "ZZz" not in text(client_for("admin").get("/"))
    outsider = text(client_for("outsider").get("/"))
    assert "ZZz" in outsider and "TWr" not in outsider


def test_board_needs_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response.location.startswith("/login")
