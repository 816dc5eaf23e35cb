"""The printing page: sticker queue and its confirm flow, tile sheets, team scope."""

from __future__ import annotations

from webapp.cases.families import get_family_row


def test_sticker_queue_download_and_confirm(client_for, store, family):
    first, second = family("TWr", due=-2), family("ABc", due=40)
    client = client_for("manager")
    page = client.get("/printing/").get_data(as_text=True)
    assert first["token"] in page and second["token"] in page
    assert "The sheet printed correctly" in page
    pdf = client.get(f"/printing/stickers.pdf?token={first['token']}&token={second['token']}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # Downloading marks nothing: only the confirmation does.
    assert get_family_row(store, first["token"])["sticker_printed_at"] is None
    answer = client.post("/printing/stickers/confirm", data={"token": [first["token"]]})
    assert answer.status_code == 302
    assert get_family_row(store, first["token"])["sticker_printed_at"] is not None
    page = client.get("/printing/").get_data(as_text=True)
    assert first["token"] not in page.split('id="tiles"')[0]
    assert second["token"] in page


def test_tile_sheets_and_confirm(client_for, store, family):
    view = family("TWr")
    client = client_for("admin")
    pdf = client.get("/printing/tiles.pdf?which=unprinted&start=3")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/printing/tiles.pdf?which=unprinted&start=0").status_code == 400
    client.post("/printing/tiles/confirm", data={"token": [view["token"]]})
    assert get_family_row(store, view["token"])["tile_printed_at"] is not None
    assert client.get("/printing/tiles.pdf?which=unprinted").status_code == 400


def test_printing_is_for_managers_and_stays_in_the_team(client_for, store, family):
    view = family("TWr")
    assert client_for("practitioner").get("/printing/").status_code == 403
    outsider = client_for("outsider")
    assert view["token"] not in outsider.get("/printing/").get_data(as_text=True)
    outsider.post("/printing/stickers/confirm", data={"token": [view["token"]]})
    assert get_family_row(store, view["token"])["sticker_printed_at"] is None
