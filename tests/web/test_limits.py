"""Limits that hold under attack and answer at once (docs/contract.md §17): photos and
pixels per request, scans at once per user, JSON depth and size, and no long field
reflected into a Location header."""

from __future__ import annotations

import io
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from PIL import Image

from tests.helpers.web import bearer, running_server
from webapp.scans import limits
from webapp.web.redirects import MAX_NEXT


def packed_png(width: int, height: int) -> bytes:
    """A huge picture that packs into a few kB (a 1-bit PNG of one colour)."""
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")
    return out.getvalue()


def timed(call):
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


def test_999_photos_in_one_request_are_refused_at_once(client, api_tokens, board_photo, store):
    """The attack: one request carried 999 photos."""
    photos = [(io.BytesIO(board_photo), f"p{n}.jpg") for n in range(limits.MAX_PHOTOS + 1)]
    response, seconds = timed(lambda: client.post(
        "/api/scans", data={"photo": photos}, headers=bearer(api_tokens)))  # fmt: skip
    assert response.status_code == 413 and "at most 12" in response.json["error"]
    assert seconds < 1.0 and store["scans"].count == 0


def test_too_many_pixels_in_one_request_are_refused_from_the_headers(client, api_tokens, store):
    huge = packed_png(7200, 7200)  # 51.8 MP each, a few kB: under the per-photo limit
    photos = [(io.BytesIO(huge), f"big{n}.png") for n in range(7)]  # 363 MP in all
    response, seconds = timed(lambda: client.post(
        "/api/scans", data={"photo": photos}, headers=bearer(api_tokens)))  # fmt: skip
    assert response.status_code == 413 and "MP in all" in response.json["error"]
    assert seconds < 1.0 and store["scans"].count == 0


def test_a_photo_over_the_pixel_limit_is_refused_before_decoding(client, api_tokens):
    bomb = packed_png(12000, 8000)  # 96 MP, past Pillow's own guard too
    photo = {"photo": (io.BytesIO(bomb), "b.png")}
    response, seconds = timed(lambda: client.post(
        "/api/scans", data=photo, headers=bearer(api_tokens)))  # fmt: skip
    assert response.status_code == 400 and seconds < 1.0


@pytest.mark.slow
def test_a_third_parallel_scan_of_one_user_is_refused_at_once(
    app, api_tokens, board_photo, fam, store
):
    """Two scans of one user run (waiting their turn to decode); the third is a 429."""
    headers = bearer(api_tokens)

    def send(_n):
        files = {"photo": ("board.jpg", board_photo, "image/jpeg")}
        started = time.perf_counter()
        answer = requests.post(f"{base}/api/scans", files=files, headers=headers, timeout=120)
        return answer, time.perf_counter() - started

    with running_server(app, threads=6) as base, ThreadPoolExecutor(3) as pool:
        with limits.decoding(store):  # another photo is being decoded: these must wait
            waiting = [pool.submit(send, n) for n in range(2)]
            deadline = time.time() + 20
            while store["scan_slots"].count < 2 and time.time() < deadline:
                time.sleep(0.05)
            third, seconds = send(2)
            assert third.status_code == 429 and "scans running" in third.json()["error"]
            assert seconds < 1.0
        answers = [w.result()[0] for w in waiting]
    assert [a.status_code for a in answers] == [201, 201]
    assert store["scan_slots"].count == 0 and store["scans"].count == 2


def test_deeply_nested_json_on_patch_is_a_400(client, api_tokens, fam):
    """The attack: deeply nested JSON on PATCH /api/tiles gave a 500."""
    url = f"/api/tiles/{fam['TWr']['token']}"
    deep = {"stage": 2, "x": json.loads("[" * 21 + "]" * 21)}
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000,
                 "[" * 30, json.dumps(deep), '{"stage": 2', "\xff\xfe",
                 json.dumps({"note": "x" * (2 * 1024 * 1024)})):  # fmt: skip
        response, seconds = timed(lambda b=body: client.patch(
            url, data=b, headers=bearer(api_tokens), content_type="application/json"))  # fmt: skip
        assert response.status_code == 400, (response.status_code, body[:40])
        assert response.json["error"] and seconds < 1.0
    ok = client.patch(url, json={"stage": 2}, headers=bearer(api_tokens))
    assert ok.status_code == 200 and ok.json["stage"] == 2


def test_a_70_kb_field_is_not_reflected_into_a_location_header(client, users, fam):
    """The attack: a 70 KB field came back in a Location header."""
    long = "a" * 70_000
    response = client.get(f"/t/{fam['TWr']['token']}?x={long}")
    assert response.status_code == 302 and len(response.headers["Location"]) <= MAX_NEXT + 100
    assert f"/t/{fam['TWr']['token']}" in response.headers["Location"]
    short = client.get(f"/t/{fam['TWr']['token']}?from=board")
    assert "from%3Dboard" in short.headers["Location"]  # a usual address still goes on
    login = client.post("/login", data={"username": "manager", "password": "correct horse",
                                        "next": "/" + long})  # fmt: skip
    assert login.status_code == 302 and len(login.headers["Location"]) < 100


def test_the_upload_page_answers_too_many_photos_with_a_413_page(client_for, board_photo, store):
    manager = client_for("manager")
    photos = [(io.BytesIO(board_photo), f"p{n}.jpg") for n in range(limits.MAX_PHOTOS + 1)]
    response, seconds = timed(lambda: manager.post(
        "/scans", data={"photo": photos}, content_type="multipart/form-data"))  # fmt: skip
    assert response.status_code == 413 and seconds < 1.0
    assert "at most 12" in response.get_data(as_text=True) and store["scans"].count == 0
