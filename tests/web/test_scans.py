"""Photograph and sync through the pages: upload, preview, apply, idempotency, bad uploads."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.helpers.web import csrf_token, flatten, text, upload_photos
from webapp.cases.families import get_family_row
from webapp.values.actor import Actor


@pytest.fixture(scope="module")
def bad_files() -> dict[str, tuple[bytes, str]]:
    """name -> (content, words the message must contain)."""
    bomb = io.BytesIO()
    Image.new("1", (10000, 6000)).save(bomb, "PNG")  # 60 MP that packs into a few kB
    jpeg = io.BytesIO()
    Image.new("RGB", (1200, 900), (200, 120, 40)).save(jpeg, "JPEG", quality=95)
    return {
        "notes.txt": (b"minutes of the meeting\n" * 20, "not an image"),
        "empty.jpg": (b"", "empty"),
        "cut.jpg": (jpeg.getvalue()[: len(jpeg.getvalue()) // 2], "truncated"),
        "bomb.png": (bomb.getvalue(), "60 MP"),
    }


def test_upload_page_is_for_managers(client_for):
    page = text(client_for("manager").get("/scans/new"))
    assert 'accept="image/*"' in page and 'capture="environment"' in page
    assert "Take a photo" in page and "Choose photos" in page
    assert "<progress" in page and "scans.js" in page
    assert client_for("practitioner").get("/scans/new").status_code == 403
    assert client_for("admin").get("/scans/new").status_code == 200


@pytest.mark.slow
def test_upload_preview_apply_and_idempotency(client_for, board_photo, store, team, fam):
    client = client_for("manager")
    before = get_family_row(store, fam["JBa"]["token"], team)
    response = upload_photos(client, ("board-1.jpg", board_photo))
    assert response.status_code == 302
    preview_url = response.location
    page = text(client.get(preview_url))
    flat = flatten(page)
    assert "nothing has changed yet" in flat
    assert "JBa : board 2 (Agreeing a plan and outcomes) → board 1 (Assessment)" in flat
    assert (
        "AKh red: 3 days overdue is in the main area of board 1; move it to the red section" in flat
    )
    assert (
        "TWr amber: due in 9 days is in the main area of board 1; move it to the amber section"
        in flat
    )
    assert "RSm should be on board 1 (never photographed)" in flat
    assert "example.org" in flat  # the poster's QR code: not a tile
    assert "Retake advice" in flat
    image = client.get(preview_url + "/photo/0.jpg")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(image.data)).width <= 1600
    assert get_family_row(store, fam["JBa"]["token"], team) == before  # preview changed nothing

    applied = client.form(preview_url + "/apply", follow_redirects=True)
    assert "applied: 4 tiles seen, 1 moved board" in text(applied)
    jba = get_family_row(store, fam["JBa"]["token"], team)
    assert (jba["stage"], jba["last_stage"], jba["last_zone"]) == (1, 1, "main")
    events = store["events"].count

    again = client.form(preview_url + "/apply", follow_redirects=True)
    assert "Nothing changed" in text(again) and "already applied" in text(again)
    second = upload_photos(client, ("same-photo-new-name.jpg", board_photo))
    second_page = flatten(text(client.get(second.location)))
    assert "already applied in scan" in second_page
    assert "No tile changed board" in second_page
    client.form(second.location + "/apply")
    assert store["events"].count == events
    assert get_family_row(store, fam["JBa"]["token"], team) == jba


def test_bad_uploads_go_back_to_the_form_with_the_reason_and_the_app_keeps_serving(
    client_for, bad_files, store
):
    client = client_for("manager")
    for name, (body, words) in bad_files.items():
        response = upload_photos(client, (name, body))
        assert (response.status_code, response.location) == (302, "/scans/new"), name
        form = text(client.get(response.location))
        assert '<form class="upload"' in form, name  # the form again, to try another photo
        assert "Nothing was scanned" in form and words in form, name
    none = upload_photos(client)  # no file at all
    assert (none.status_code, none.location) == (302, "/scans/new")
    assert "choose at least one photo" in text(client.get(none.location))
    assert store["scans"].count == 0
    assert client.get("/").status_code == 200


def test_one_bad_photo_among_good_ones_is_reported_in_the_preview(
    client_for, board_photo, bad_files, fam
):
    client = client_for("manager")
    response = upload_photos(
        client, ("board-1.jpg", board_photo), ("notes.txt", bad_files["notes.txt"][0])
    )
    assert response.status_code == 302
    page = flatten(text(client.get(response.location)))
    assert "2-notes.txt: not an image" in page and "JBa" in page


def test_upload_without_csrf_is_rejected(csrf_client, csrf_auth, board_photo, store):
    client = csrf_client
    assert csrf_auth.login("manager").status_code == 302
    data = {"photo": [(io.BytesIO(board_photo), "b.jpg")]}
    assert client.post("/scans", data=data).status_code == 400
    assert store["scans"].count == 0


def test_scans_are_scoped_to_the_team(client_for, store, team):
    from webapp.scans.previews import preview_scan

    scan = preview_scan(
        store, team, {"tiles": [], "boards": [], "unknown": []}, actor=Actor.web(None)
    )
    outsider = client_for("outsider")
    assert outsider.get(f"/scans/{scan['id']}").status_code == 404
    assert outsider.form(f"/scans/{scan['id']}/apply").status_code == 404
    assert client_for("practitioner").form(f"/scans/{scan['id']}/apply").status_code == 403
    assert store["scans"].get(scan["id"])["status"] == "preview"


@pytest.fixture(scope="module")
def two_halves(board_tokens) -> tuple[bytes, bytes]:
    """Board 1 photographed twice, from the left and from the right: each photo misses
    the tiles at the far side (TWr and AKh on the left, MOl and JBa on the right)."""
    from scanner.synth import TileSpec, make_board_photo

    t = board_tokens
    tiles = [
        TileSpec(t["TWr"], "TWr", 1, 150, 300),
        TileSpec(t["AKh"], "AKh", 1, 300, 550),
        TileSpec(t["MOl"], "MOl", 1, 900, 300),
        TileSpec(t["JBa"], "JBa", 1, 1050, 550),
        TileSpec(t["RSm"], "RSm", 1, 600, 420),
    ]
    shots = [
        make_board_photo(tiles, (1,), px_per_module=2.4, size=(2000, 2200), view_center=c, seed=s)
        for c, s in (((380, 450), 1), ((820, 450), 2))
    ]
    left, right = ({v.token for v in shot.visible} for shot in shots)
    assert left != right and left | right == {tile.token for tile in tiles}
    return shots[0].jpeg_bytes(), shots[1].jpeg_bytes()


@pytest.mark.slow
def test_a_second_photo_added_to_the_preview_gives_the_union(
    client_for, two_halves, store, team, fam
):
    client = client_for("manager")
    first = upload_photos(client, ("left.jpg", two_halves[0]))
    preview_url = first.location
    page = flatten(text(client.get(preview_url)))
    assert "take a second photo of this board" in page
    assert "MOl should be on board 1" in page  # not in the left photo

    data = {"photo": [(io.BytesIO(two_halves[1]), "right.jpg")]}
    data["csrf_token"] = csrf_token(client)
    added = client.post(preview_url + "/photos", data=data, content_type="multipart/form-data")
    assert added.location == preview_url  # the same preview, not a new scan
    assert store["scans"].count == 1
    page = flatten(text(client.get(preview_url)))
    assert "Every tile expected on these boards was seen" in page
    assert "take a second photo" not in page
    assert "5 tiles placed" in page
    assert "JBa : board 2 (Agreeing a plan and outcomes) → board 1 (Assessment)" in page
    assert client.get(preview_url + "/photo/1.jpg").status_code == 200  # both photos kept
    assert f'href="{preview_url}#add-photo"' in text(client.get("/scans/new"))

    applied = client.form(preview_url + "/apply", follow_redirects=True)
    assert "applied: 5 tiles seen, 1 moved board" in text(applied)
    data = {"photo": [(io.BytesIO(two_halves[1]), "right.jpg")], "csrf_token": csrf_token(client)}
    again = client.post(preview_url + "/photos", data=data, content_type="multipart/form-data")
    assert "already applied" in text(client.get(again.location))
