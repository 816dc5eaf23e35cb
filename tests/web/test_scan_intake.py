"""One scan intake for the scan page, the API and `caseboard scan --apply`: the same
checks on every photo, a stored preview with the annotated photos, and each photo that
could not be read carried as data."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from PIL import Image

from tests.helpers.web import csrf_token, text
from webapp.cases.families import get_family_row
from webapp.scans.intake import take_in
from webapp.values.actor import Actor


@pytest.fixture(scope="module")
def oversized() -> bytes:
    """A 10000 x 6000 px (60 MP) PNG that packs into a few kB."""
    bomb = io.BytesIO()
    Image.new("1", (10000, 6000)).save(bomb, "PNG")
    return bomb.getvalue()


def refusal_on_the_page(client, name: str, body: bytes) -> str:
    """What the scan page says about one refused photo, after its numbered name."""
    data = {"photo": [(io.BytesIO(body), name)], "csrf_token": csrf_token(client)}
    sent = client.post("/scans", data=data, content_type="multipart/form-data")
    assert (sent.status_code, sent.location) == (302, "/scans/new")
    page = html.unescape(text(client.get(sent.location)))
    return re.search(rf"Nothing was scanned: 1-{re.escape(name)}: ([^<]+)", page).group(1)


def test_scan_apply_refuses_an_oversized_photo_with_the_upload_pages_words(
    runner, client_for, store, fam, oversized, tmp_path
):
    photo = tmp_path / "bomb.png"
    photo.write_bytes(oversized)
    result = runner("scan", str(photo), "--apply", "--team", "Team")
    assert result.exit_code == 2 and "Traceback" not in result.output
    said = re.search(rf"error: {re.escape(str(photo))}: (.+)", result.stderr).group(1)
    assert "(60 MP); caseboard scans photos up to 52 MP" in said
    assert store["scans"].count == 0  # nothing kept, nothing applied
    assert refusal_on_the_page(client_for("manager"), "bomb.png", oversized) == said


def test_scan_apply_keeps_a_preview_with_the_annotated_photo_and_lists_the_refused_one(
    runner, store, team, fam, board_photo, oversized, tmp_path
):
    (tmp_path / "board-1.jpg").write_bytes(board_photo)
    (tmp_path / "bomb.png").write_bytes(oversized)
    photos = [str(tmp_path / "board-1.jpg"), str(tmp_path / "bomb.png")]
    result = runner(
        "scan", *photos, "--json", "--apply", "--annotate", str(tmp_path / "out"), "--team", "Team"
    )
    assert result.exit_code == 2  # a photo could not be read, as without --apply
    printed = json.loads(result.stdout)
    assert {t["photo"] for t in printed["tiles"]} == {photos[0]}  # named as given
    assert [e["photo"] for e in printed["errors"]] == [photos[1]]
    [scan] = store["scans"].rows
    assert (scan["source"], scan["status"]) == ("cli", "applied")
    assert [e["photo"] for e in json.loads(scan["preview"])["errors"]] == [photos[1]]
    [image] = store["scan_images"].rows_where("scan_id = ?", [scan["id"]])
    assert image["name"] == photos[0]
    assert Image.open(io.BytesIO(image["jpeg"])).size[0] <= 1600  # the preview's copy
    assert (tmp_path / "out" / "board-1.annotated.jpg").exists()  # and the full one
    assert get_family_row(store, fam["JBa"]["token"], team)["stage"] == 1  # moved board
    assert f"applied scan {scan['id']}" in result.stderr


def test_when_no_photo_can_be_read_the_intake_says_why_for_each_and_keeps_nothing(
    store, team, fam, oversized
):
    taken = take_in(
        store, team, [("a.jpg", b"junk"), ("bomb.png", oversized)], actor=Actor.api(None)
    )
    assert taken.scan is None and store["scans"].count == 0
    assert [e["photo"] for e in taken.errors] == ["2-bomb.png", "1-a.jpg"]
    why = {e["photo"]: e["error"] for e in taken.errors}
    assert why["1-a.jpg"] == "1-a.jpg: not an image (expected JPEG, PNG or HEIC)"
    assert why["2-bomb.png"].startswith("2-bomb.png: the image is 10000 x 6000 (60 MP)")
    assert taken.refused == "; ".join(e["error"] for e in taken.errors)
    assert not taken.over_limit


def test_past_the_request_limit_the_intake_refuses_before_scanning(store, team, board_photo):
    taken = take_in(store, team, [("b.jpg", board_photo)] * 13, actor=Actor.api(None))
    assert taken.over_limit and taken.scan_json is None
    assert taken.refused == "13 photos in one scan; send at most 12"
    assert store["scans"].count == 0
