"""Real headless Chromium at a phone-sized viewport: read a tile's date after logging in;
photograph a board, check the preview, apply it and see the board change.

Screenshots go to the test's tmp folder, and also to $CASEBOARD_SCREENSHOTS
(e.g. docs/img) when that is set.
"""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pytest

from tests.helpers.web import PASSWORD, needs_chromium
from webapp.values.actor import Actor

PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True,
                                  has_touch=True)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def shot(page, tmp_path, name: str, full_page: bool = False) -> None:
    """Save a small PNG (palette-quantised) to tmp and, when asked, to $CASEBOARD_SCREENSHOTS."""
    from PIL import Image

    png = page.screenshot(full_page=full_page)
    img = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=128)
    targets = [tmp_path]
    if os.environ.get("CASEBOARD_SCREENSHOTS"):
        targets.append(Path(os.environ["CASEBOARD_SCREENSHOTS"]))
    for folder in targets:
        folder.mkdir(parents=True, exist_ok=True)
        img.save(folder / f"{name}.png", optimize=True)


def log_in(page, username: str) -> None:
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_phone_logs_in_from_a_tile_url_and_reads_the_date(live_server, phone, fam, tmp_path):
    token = fam["TWr"]["token"]
    phone.goto(f"{live_server}/t/{token.lower()}")  # a QR reader may change the case
    assert "/login" in phone.url
    shot(phone, tmp_path, "login-phone")
    log_in(phone, "practitioner")
    phone.wait_for_url(f"{live_server}/t/{token}")
    date = phone.locator("#next-review")
    assert date.is_visible() and re.match(r"\w{3} \d{1,2} \w{3} \d{4}", date.inner_text())
    assert phone.locator("#due").inner_text() == "due in 9 days"
    assert (
        date.bounding_box()["y"] + date.bounding_box()["height"] < PHONE["height"]
    )  # no scrolling
    shot(phone, tmp_path, "tile-phone")

    started = time.perf_counter()  # logged in once: the next tile opens straight away
    phone.goto(f"{live_server}/t/{fam['AKh']['token']}")
    assert phone.locator("#due").inner_text() == "3 days overdue"
    assert time.perf_counter() - started < 5


@pytest.mark.slow
def test_phone_uploads_a_photo_previews_applies_and_sees_the_board_change(
    live_server, phone, fam, board_photo, tmp_path
):
    phone.goto(f"{live_server}/login")
    log_in(phone, "manager")
    phone.wait_for_url(f"{live_server}/")
    board2 = phone.locator("#board-2")
    assert "JBa" in board2.inner_text() and "JBa" not in phone.locator("#board-1").inner_text()

    phone.goto(f"{live_server}/scans/new")
    # "Take a photo" opens the camera for one shot; "Choose photos" picks several, no camera
    upload = phone.get_by_label("Take a photo")
    assert upload.get_attribute("capture") == "environment"
    assert upload.get_attribute("multiple") is None
    choose = phone.get_by_label("Choose photos")
    assert choose.get_attribute("multiple") is not None and choose.get_attribute("capture") is None
    upload.set_input_files({"name": "board-1.jpg", "mimeType": "image/jpeg", "buffer": board_photo})
    phone.click("form.upload button[type=submit]")
    status = phone.locator(".scan-status")
    status.wait_for(state="visible")
    assert re.search(r"Uploading|Scanning|Done", status.inner_text())  # progress feedback
    phone.wait_for_url(re.compile(r".*/scans/\d+$"))
    moves = phone.locator("#moves").inner_text()
    assert "JBa" in moves and "board 2" in moves and "board 1" in moves
    wrong = phone.locator("#wrong-zone").inner_text()
    assert "AKh" in wrong and "red section" in wrong
    assert "RSm" in phone.locator("#missing").inner_text()
    phone.locator(".photos img").first.wait_for()
    shot(phone, tmp_path, "scan-preview-phone")

    phone.click("#apply")
    phone.wait_for_url(f"{live_server}/")
    assert "applied" in phone.locator(".flash").first.inner_text()
    board1 = phone.locator("#board-1").inner_text()
    assert "JBa" in board1 and "JBa" not in phone.locator("#board-2").inner_text()
    assert "→ red" in phone.locator("#board-1 .zone-main").inner_text()  # AKh marked to move
    shot(phone, tmp_path, "board-phone")


def test_a_refused_photo_is_explained_on_the_upload_form(live_server, phone, fam):
    """The server sends a refused upload back to the form with the reason; the page's
    script shows that reason in place, and the form is ready for another photo."""
    phone.goto(f"{live_server}/login")
    log_in(phone, "manager")
    phone.wait_for_url(f"{live_server}/")
    phone.goto(f"{live_server}/scans/new")
    notes = {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"minutes\n" * 40}
    phone.get_by_label("Choose photos").set_input_files(notes)
    phone.click("form.upload button[type=submit]")
    status = phone.locator(".scan-status.flash-error")
    status.wait_for()
    assert "Nothing was scanned" in status.inner_text()
    assert "not an image" in status.inner_text()
    assert phone.url == f"{live_server}/scans/new"
    assert phone.locator("form.upload button[type=submit]").is_enabled()


def test_board_on_a_projector(live_server, browser, tmp_path, store, team, fam, users):
    from webapp.scans.applying import apply_scan
    from webapp.scans.previews import preview_scan

    seen = [("AKh", 1, "main"), ("TWr", 1, "main"), ("MOl", 1, "main"), ("JBa", 3, "main")]
    scan = {
        "tiles": [{"payload": fam[c]["token"], "token": fam[c]["token"], "stage": s, "zone": z}
                  for c, s, z in seen],
        "boards": [{"stage": 1}, {"stage": 3}],
        "unknown": [],
    }  # fmt: skip
    manager = users["manager"]["id"]
    apply_scan(
        store,
        team,
        preview_scan(store, team, scan, actor=Actor.web(manager))["id"],
        actor=Actor.web(manager),
    )
    context = browser.new_context(viewport={"width": 1600, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    log_in(page, "manager")
    page.wait_for_url(f"{live_server}/")
    tops = [page.locator(f"#board-{n}").bounding_box()["y"] for n in range(1, 7)]
    assert max(tops) - min(tops) < 2  # six boards side by side
    assert "→ red" in page.locator("#board-1").inner_text()
    assert "JBa" in page.locator("#board-3").inner_text()
    shot(page, tmp_path, "board-projector")
    context.close()


def test_pages_run_their_scripts_under_the_csp_without_a_violation(live_server, phone, fam):
    """The CSP forbids inline script: the tile page's stage proposal (caseboard.js fills
    the Day, Month and Year of the review with the move) and the board's worker filter
    still work, and Chromium reports no violation on the pages with scripts."""
    violations = []
    phone.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    phone.goto(f"{live_server}/t/{fam['MOl']['token']}")
    log_in(phone, "manager")
    phone.wait_for_url(f"{live_server}/t/{fam['MOl']['token']}")
    phone.select_option("#stage", "3")
    proposed = [phone.input_value(f"#stage-review-{part}") for part in ("day", "month", "year")]
    assert re.fullmatch(r"\d{1,2} \d{1,2} \d{4}", " ".join(proposed)), proposed
    phone.goto(f"{live_server}/")
    phone.select_option("#worker", "Sam")
    phone.click("form.filters button[type=submit]")  # a choice alone does not move you on
    phone.wait_for_url(re.compile(r".*worker=Sam"))
    for path in ("/agenda", "/scans/new", "/agenda/print"):
        phone.goto(f"{live_server}{path}")
    assert violations == []
