"""Scans in a worker of their own (CONTRACT §15): uploaded photos go to huey's queue
(SqliteHuey, its file in the instance folder) and are scanned by the consumer's worker
process; ``POST /api/scans`` still answers 201 with the same preview once they are
scanned, and pages keep answering while scans run."""

from __future__ import annotations

import io
import re
import statistics
import threading
import time
from pathlib import Path

import pytest
import requests

import webapp.scans.queue
from tests.helpers.web import bearer, running_server
from webapp import create_app
from webapp.scans.queue import QUEUE_FILE
from webapp.web.scan_worker import queue, start_workers

VOLATILE = ("id", "created_at")


@pytest.fixture
def queued_app(db_path, tmp_path):
    """The app as ``caseboard serve`` makes it: scans go to the queue in its instance folder."""
    app = create_app({"DB": db_path, "TESTING": True, "SCAN_QUEUE": True, "WTF_CSRF_ENABLED": False,
                      "INSTANCE_PATH": str(tmp_path / "instance")})  # fmt: skip
    yield app


@pytest.fixture
def workers(queued_app):
    consumer = start_workers(queued_app, 1)  # one worker process, as serve starts by default
    yield consumer
    consumer.stop(graceful=True)


def post_photo(client, api_tokens, photo: bytes):
    return client.post("/api/scans", headers=bearer(api_tokens),
                       data={"photo": [(io.BytesIO(photo), "board-1.jpg")]},
                       content_type="multipart/form-data")  # fmt: skip


@pytest.mark.slow
def test_api_scan_through_the_queue_answers_201_with_the_same_preview(
    queued_app, workers, app, api_tokens, fam, board_photo, store
):
    queued = post_photo(queued_app.test_client(), api_tokens, board_photo)
    assert queued.status_code == 201, queued.get_data(as_text=True)
    assert Path(queued_app.instance_path, QUEUE_FILE).exists()
    here = post_photo(app.test_client(), api_tokens, board_photo)  # scanned in the request
    assert here.status_code == 201
    same = {k: v for k, v in queued.json.items() if k not in VOLATILE}
    assert same == {k: v for k, v in here.json.items() if k not in VOLATILE}
    assert {m["initials"] for m in queued.json["moves"]} == {"JBa"}
    assert queued.headers["Location"] == f"/api/scans/{queued.json['id']}"


def test_a_refused_photo_comes_back_from_the_worker_as_a_400(queued_app, workers, api_tokens):
    answer = post_photo(queued_app.test_client(), api_tokens, b"minutes of the meeting")
    assert answer.status_code == 400
    assert answer.json["error"] == "1-board-1.jpg: not an image (expected JPEG, PNG or HEIC)"


def test_with_no_worker_the_request_gives_up_with_a_503(
    queued_app, api_tokens, fam, board_photo, monkeypatch
):
    """Proof the photos went to the queue: with no consumer running nothing scans them,
    and the request answers 503 with Retry-After when its wait runs out."""
    monkeypatch.setattr(webapp.scans.queue, "WAIT_S", 1)
    answer = post_photo(queued_app.test_client(), api_tokens, board_photo)
    assert answer.status_code == 503
    assert "Retry-After" in answer.headers
    huey = queue(queued_app).huey
    left = huey.pending()
    assert len(left) == 1 and huey.is_revoked(left[0])  # a worker will skip it, not scan it


def test_the_scan_page_polls_the_queue(queued_app, users, workers):
    client = queued_app.test_client()
    client.post("/login", data={"username": "manager", "password": "correct horse"})
    assert client.get("/scans/queue.json").json == {"waiting": 0}


@pytest.mark.slow
def test_pages_keep_answering_while_scans_run(
    queued_app, workers, users, api_tokens, fam, board_photo
):
    """A real server: photos arrive every 2 s (0.5/s) for a while, and a reader asks for
    the board page all the time: every page answers, every scan answers 201."""
    with running_server(queued_app, threads=4) as base:
        reader = requests.Session()
        reader.post(f"{base}/login", data={"username": "manager", "password": "correct horse"})
        uploads, pages, stop = [], [], threading.Event()

        def upload():
            started = time.monotonic()
            answer = requests.post(
                f"{base}/api/scans",
                headers=bearer(api_tokens),
                files={"photo": ("board-1.jpg", board_photo)},
                timeout=120,
            )
            uploads.append((answer.status_code, started, time.monotonic()))  # fmt: skip

        def read():
            while not stop.is_set():
                started = time.monotonic()
                answer = reader.get(f"{base}/", timeout=30)
                pages.append((answer.status_code, started, time.monotonic() - started))

        reading = threading.Thread(target=read)
        reading.start()
        senders = []
        for _ in range(4):
            senders.append(threading.Thread(target=upload))
            senders[-1].start()
            time.sleep(2.0)
        for sender in senders:
            sender.join()
        stop.set()
        reading.join()
    assert [code for code, *_ in uploads] == [201] * 4
    assert {code for code, *_ in pages} == {200}
    first, last = min(u[1] for u in uploads), max(u[2] for u in uploads)
    during = [took for _, at, took in pages if first <= at <= last]
    assert len(during) >= 10  # pages were read all the while photos were being scanned
    assert statistics.median(during) < 1.0


@pytest.mark.slow
@pytest.mark.browser
def test_the_scan_page_shows_the_queue_while_its_photo_waits(
    queued_app, users, fam, board_photo, browser
):
    """Chromium sends a photo while no worker runs: the page says it is in the scan queue;
    once a worker starts, the photo is scanned and the preview opens."""
    with running_server(queued_app, threads=4) as base:
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{base}/login")
        page.fill("#username", "manager")
        page.fill("#password", "correct horse")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/scans/new")
        page.locator("#photo").set_input_files(
            {"name": "board-1.jpg", "mimeType": "image/jpeg", "buffer": board_photo}
        )
        page.click("form.upload button[type=submit]")
        status = page.locator(".scan-status")
        page.wait_for_function(
            "() => document.querySelector('.scan-status').textContent.includes('scan queue')"
        )
        assert "In the scan queue (1 waiting to be scanned)" in status.inner_text()
        assert page.locator("form.upload progress").is_visible()
        consumer = start_workers(queued_app, 1)
        try:
            page.wait_for_url(re.compile(r".*/scans/\d+$"))
            assert "JBa" in page.locator("#moves").inner_text()
        finally:
            consumer.stop(graceful=True)
            page.context.close()
