"""The manager's Monday (CONTRACT §14): advice that counts a board's missing tiles over
every photo of the scan, and an apply answer that says how many date stickers now wait."""

from __future__ import annotations

import io

import pytest

from tests.helpers.web import bearer, flatten, text, upload_photos
from webapp.printing.queues import pending_stickers


@pytest.fixture(scope="module")
def board_2_photo() -> bytes:
    """Board 2 photographed, empty: its one tile (JBa) hangs on board 1 now."""
    from scanner.synth import make_board_photo

    shot = make_board_photo([], (2,), size=(2600, 2000), px_per_module=2.2, seed=5)
    return shot.jpeg_bytes()


def send(client, headers, *photos):
    data = {"photo": [(io.BytesIO(body), name) for name, body in photos]}
    return client.post("/api/scans", data=data, headers=headers, content_type="multipart/form-data")


@pytest.mark.slow
def test_a_tile_moved_to_another_photographed_board_is_not_called_missing(
    client, api_tokens, fam, board_photo, board_2_photo
):
    """JBa left board 2 for board 1, and both boards were photographed: no "not found"
    or retake advice for board 2. RSm is on no photo at all: board 1's advice names it."""
    headers = bearer(api_tokens, "manager")
    response = send(client, headers, ("board-1.jpg", board_photo), ("board-2.jpg", board_2_photo))
    assert response.status_code == 201, response.json
    body = response.json
    assert sorted(body["boards"]) == [1, 2]
    assert [(m["initials"], m["from"], m["to"]) for m in body["moves"]] == [("JBa", 2, 1)]
    assert [m["initials"] for m in body["missing"]] == ["RSm"]
    assert not [a for a in body["advice"] if a.startswith("board 2:")], body["advice"]
    assert any(
        a.startswith("board 1: 1 of 4 expected tiles not found") and "second photo" in a
        for a in body["advice"]
    ), body["advice"]


def test_board_2_alone_still_names_its_tile_as_not_found(client, api_tokens, fam, board_2_photo):
    """Photographed alone, board 2 shows no JBa anywhere: then the advice is right."""
    body = send(client, bearer(api_tokens, "manager"), ("board-2.jpg", board_2_photo)).json
    assert any(a.startswith("board 2: 1 of 1 expected tiles not found") for a in body["advice"])


def test_apply_answers_with_the_stickers_now_waiting(
    client, api_tokens, fam, board_photo, store, team
):
    headers = bearer(api_tokens, "manager")
    preview = send(client, headers, ("board-1.jpg", board_photo)).json
    applied = client.post(f"/api/scans/{preview['id']}/apply", headers=headers).json
    assert applied["applied"] is True
    assert applied["stickers_pending"] == len(pending_stickers(store, team)) == len(fam)
    again = client.post(f"/api/scans/{preview['id']}/apply", headers=headers).json
    assert again["applied"] is False and again["stickers_pending"] == len(fam)


def test_the_page_after_applying_links_to_the_stickers(client_for, fam, board_photo):

    client = client_for("manager")
    preview = upload_photos(client, ("board-1.jpg", board_photo)).location
    page = text(client.form(preview + "/apply", follow_redirects=True))
    assert (
        f'<a href="/printing/#stickers">Print the {len(fam)} date stickers now waiting</a>' in page
    )
    printing = flatten(text(client.get("/printing/")))
    assert "have never had a date sticker printed" in printing
    assert "to reprint" not in printing


def test_a_tile_missing_from_the_photos_shows_not_seen_since_after_apply(
    client_for, fam, board_photo, store, team
):
    """RSm hangs on board 1 in the store but is not in the photo of board 1."""

    store["families"].update(fam["RSm"]["id"], {"last_stage": 1, "last_zone": "main",
                             "last_seen_at": "2026-11-30T09:00:00+00:00"})  # fmt: skip
    client = client_for("manager")
    preview = upload_photos(client, ("board-1.jpg", board_photo)).location
    page = text(client.form(preview + "/apply", follow_redirects=True))
    rsm = page.split(f'data-token="{fam["RSm"]["token"]}"', 1)[1].split("</a>", 1)[0]
    assert "not seen since 30 Nov" in rsm
    mol = page.split(f'data-token="{fam["MOl"]["token"]}"', 1)[1].split("</a>", 1)[0]
    assert "not seen" not in mol  # photographed
    eng = page.split(f'data-token="{fam["ENg"]["token"]}"', 1)[1].split("</a>", 1)[0]
    assert "not seen" not in eng  # board 4 was not photographed
