"""The JSON API (docs/contract.md §4): bearer tokens, tiles, scans as JSON or photos, apply once."""

from __future__ import annotations

import io
from html import unescape

import pytest

from tests.helpers.web import bearer
from webapp.cases.families import get_family_row


def scan_body(fam):
    return {
        "tiles": [
            {"payload": f"http://h/t/{fam['JBa']['token']}", "token": fam["JBa"]["token"],
             "stage": 1, "zone": "main", "x_mm": 600.0, "y_mm": 300.0, "photo": "p"},
            {"payload": f"http://h/t/{fam['AKh']['token']}", "token": fam["AKh"]["token"],
             "stage": 1, "zone": "main", "x_mm": 200.0, "y_mm": 300.0, "photo": "p"},
        ],
        "boards": [{"stage": 1, "photo": "p", "markers": 4}],
        "unknown": ["WIFI:S:office;;"],
    }  # fmt: skip


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer nope", "Basic bWFuYWdlcjpwdw==", "cb_abc"]
)
def test_no_valid_bearer_token_is_401(client, fam, header):
    headers = {"Authorization": header} if header else {}
    response = client.get(f"/api/tiles/{fam['TWr']['token']}", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "token" in response.json["error"]
    assert client.post("/api/scans", json=scan_body(fam), headers=headers).status_code == 401


def test_a_browser_session_is_not_enough_for_the_api(client_for, fam):
    assert client_for("manager").get(f"/api/tiles/{fam['TWr']['token']}").status_code == 401


def test_get_tile_gives_the_contract_fields(client, api_tokens, fam):
    response = client.get(
        f"/api/tiles/{fam['AKh']['token'].lower()}", headers=bearer(api_tokens, "practitioner")
    )
    assert response.status_code == 200
    body = response.json
    keys = ("token", "initials", "stage", "zone", "status", "should_move")
    assert {k: body[k] for k in keys} == {
        "token": fam["AKh"]["token"], "initials": "AKh", "stage": 1, "zone": None,
        "status": "red", "should_move": False,
    }  # fmt: skip
    assert body["next_review"] == fam["AKh"]["next_review"] and body["due"] == "3 days overdue"


def test_another_teams_tile_is_404(client, api_tokens, fam, other_family):
    assert (
        client.get(
            f"/api/tiles/{other_family['token']}", headers=bearer(api_tokens, "admin")
        ).status_code
        == 404
    )
    outsider = client.get(
        f"/api/tiles/{fam['TWr']['token']}", headers=bearer(api_tokens, "outsider")
    )
    assert outsider.status_code == 404 and "error" in outsider.json


def test_json_scan_preview_then_apply_once(client, api_tokens, fam, store, team):
    headers = bearer(api_tokens, "manager")
    response = client.post("/api/scans", json=scan_body(fam), headers=headers)
    assert response.status_code == 201
    body = response.json
    assert {"id", "moves", "wrong_zone", "missing", "unknown"} <= set(body)
    assert [(m["token"], m["from"], m["to"]) for m in body["moves"]] == [
        (fam["JBa"]["token"], 2, 1)
    ]
    assert [w["token"] for w in body["wrong_zone"]] == [fam["AKh"]["token"]]
    assert {m["initials"] for m in body["missing"]} == {"TWr", "MOl", "RSm"}
    assert body["unknown"] == [{"text": "WIFI:S:office;;", "reason": "not a tile code"}]
    assert get_family_row(store, fam["JBa"]["token"], team)["stage"] == 2
    assert response.headers["Location"] == f"/api/scans/{body['id']}"

    applied = client.post(f"/api/scans/{body['id']}/apply", headers=headers)
    assert applied.status_code == 200 and applied.json["applied"] is True
    assert get_family_row(store, fam["JBa"]["token"], team)["stage"] == 1
    events = store["events"].count
    again = client.post(f"/api/scans/{body['id']}/apply", headers=headers)
    assert again.status_code == 200 and again.json["applied"] is False
    assert store["events"].count == events
    assert client.get(f"/api/scans/{body['id']}", headers=headers).json["status"] == "applied"


def test_practitioners_cannot_send_or_apply_scans(client, api_tokens, fam, store, team):
    headers = bearer(api_tokens, "practitioner")
    assert client.post("/api/scans", json=scan_body(fam), headers=headers).status_code == 403
    scan = client.post(
        "/api/scans", json=scan_body(fam), headers=bearer(api_tokens, "manager")
    ).json
    assert client.post(f"/api/scans/{scan['id']}/apply", headers=headers).status_code == 403
    assert (
        client.post(
            f"/api/scans/{scan['id']}/apply", headers=bearer(api_tokens, "outsider")
        ).status_code
        == 404
    )
    assert get_family_row(store, fam["JBa"]["token"], team)["stage"] == 2


def test_bad_bodies_are_400_with_a_message(client, api_tokens):
    headers = bearer(api_tokens, "manager")
    cases = [
        client.post(
            "/api/scans", data="{not json", headers=headers, content_type="application/json"
        ),
        client.post("/api/scans", json={"tiles": [{"payload": "x", "stage": 7}]}, headers=headers),
        client.post("/api/scans", data={"other": "x"}, headers=headers),
        client.post(
            "/api/scans", data={"photo": (io.BytesIO(b"plain text"), "a.txt")}, headers=headers
        ),
        client.post("/api/scans", data={"photo": (io.BytesIO(b""), "a.jpg")}, headers=headers),
    ]
    for response in cases:
        assert response.status_code == 400, response.json
        assert response.json["error"]
    assert client.post("/api/scans/999/apply", headers=headers).status_code == 404


def test_photo_upload_through_the_api(client, api_tokens, board_photo, fam):
    headers = bearer(api_tokens, "manager")
    response = client.post(
        "/api/scans", data={"photo": (io.BytesIO(board_photo), "board.jpg")}, headers=headers
    )
    assert response.status_code == 201
    assert [m["initials"] for m in response.json["moves"]] == ["JBa"]
    assert {w["initials"] for w in response.json["wrong_zone"]} == {"TWr", "AKh"}
    assert [m["initials"] for m in response.json["missing"]] == ["RSm"]


def test_the_api_refuses_a_photo_over_the_configured_megapixels_as_the_page_does(
    app, client, client_for, api_tokens, board_photo, fam, store
):
    app.config["SCAN_MAX_MEGAPIXELS"] = 1  # the board photo is 2600 x 2000: 5.2 MP
    photo = {"photo": (io.BytesIO(board_photo), "board.jpg")}
    api = client.post("/api/scans", data=photo, headers=bearer(api_tokens, "manager"))
    assert api.status_code == 400
    assert api.json["error"].startswith(
        "1-board.jpg: the image is 2600 x 2000 (5 MP); caseboard scans photos up to 1 MP"
    )
    page = client_for("manager")
    sent = page.post(
        "/scans",
        data={"photo": (io.BytesIO(board_photo), "board.jpg")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    form = unescape(page.get(sent.location).get_data(as_text=True))
    assert f"Nothing was scanned: {api.json['error']}" in form
    assert store["scans"].count == 0
