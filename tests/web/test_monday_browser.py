"""The Monday pages in Debian's Chromium at a phone's 390 px and a desktop's 1280 px: the
header folds behind "Menu" on a phone (at most 100 px tall), the printing page puts the
download first and remembers where a part-used sheet starts."""

from __future__ import annotations

import re

import pytest

from tests.helpers.web import PASSWORD, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]

SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


@pytest.fixture(params=list(SIZES))
def page(request, browser):
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.size = request.param
    yield page
    context.close()


def log_in(page, server, username):
    page.goto(f"{server}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")


def test_the_header_folds_behind_menu_on_a_phone(live_server, page, fam):
    log_in(page, live_server, "admin")
    header = page.locator("header.topbar")
    menu = page.get_by_role("button", name="Menu")
    nav = page.locator("#site-nav")
    if page.size == "phone":
        assert header.bounding_box()["height"] <= 100
        assert menu.is_visible() and not nav.is_visible()
        assert menu.get_attribute("aria-expanded") == "false"
        menu.click()
        assert nav.is_visible() and menu.get_attribute("aria-expanded") == "true"
        page.get_by_role("link", name="Printing").click()
        page.wait_for_url(f"{live_server}/printing/")
        assert header.bounding_box()["height"] <= 100
    else:
        assert not menu.is_visible() and nav.is_visible()
        assert header.bounding_box()["height"] <= 100


def test_printing_page_download_first_and_the_start_label_remembered(live_server, page, fam, store):
    log_in(page, live_server, "manager")
    page.goto(f"{live_server}/printing/")
    download = page.get_by_role("button", name="Download the sticker PDF")
    confirm = page.get_by_role("button", name="The sheet printed correctly")
    assert download.bounding_box()["y"] < confirm.bounding_box()["y"]
    assert download.bounding_box()["y"] + 40 < page.viewport_size["height"], "above the fold"
    assert "Step 1" not in page.locator("#stickers").inner_text()
    # the primary action is the download; "printed correctly" is the secondary style
    assert "secondary" in (confirm.get_attribute("class") or "")
    options = page.locator("#sticker-template option").all_inner_texts()
    assert options and not [o for o in options if "tile" in o.lower()], options
    page.fill("#sticker-start", "5")
    with page.expect_download() as got:
        download.click()
    assert got.value.suggested_filename.startswith("stickers-")
    confirm.click()
    page.wait_for_url(f"{live_server}/printing/")
    assert "6 date stickers marked printed" in page.locator("main").inner_text()
    # labels 5 to 10 of the L7651 sheet are used: next time the page offers label 11
    store.execute("update families set sticker_review = null where id = ?", [fam["TWr"]["id"]])
    page.reload()
    assert page.input_value("#sticker-start") == "11"


@pytest.mark.slow
def test_the_apply_bar_is_small_and_add_photo_shows_progress(
    live_server, page, fam, board_photo, store, team
):
    from webapp.scans.intake import preview_photos
    from webapp.values.actor import Actor

    scan = preview_photos(store, team, [("board-1.jpg", board_photo)], actor=Actor.web(None))
    log_in(page, live_server, "manager")
    page.goto(f"{live_server}/scans/{scan['id']}")
    bar = page.locator(".apply-bar")
    assert bar.bounding_box()["height"] <= 0.15 * page.viewport_size["height"]
    assert page.get_by_role("button", name="Update the boards").is_visible()
    assert "Apply to the store" not in page.locator("main").inner_text()
    add = page.locator("#add-photo")
    add.locator("input[type=file]").set_input_files(
        {"name": "board-1b.jpg", "mimeType": "image/jpeg", "buffer": board_photo}
    )
    add.get_by_role("button", name="Add photo").click()
    status = add.locator(".scan-status")
    status.wait_for(state="visible")
    page.wait_for_function(
        "document.querySelector('#add-photo .scan-status').textContent.length > 0"
    )
    assert re.search(r"Uploading|Scanning|Done", status.inner_text())
    page.wait_for_load_state("load")


def test_board_worker_label_stays_whole_and_pages_are_shorter(live_server, page, fam):
    log_in(page, live_server, "manager")
    label = page.locator("label[for=worker]")
    box = label.bounding_box()
    line = float(page.evaluate("parseFloat(getComputedStyle(document.querySelector("
                               "'label[for=worker]')).lineHeight)"))  # fmt: skip
    assert box["height"] < 1.5 * line, box  # one line: "Worker", not "Wo / rke / r"
    page.goto(f"{live_server}/supervision")
    screens = page.evaluate("document.documentElement.scrollHeight") / page.viewport_size["height"]
    assert screens < 6, screens


def test_admin_pages_are_short(live_server, page, fam):
    log_in(page, live_server, "admin")
    for path in ("/admin/", "/admin/families", "/admin/people", "/admin/printer"):
        page.goto(f"{live_server}{path}")
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height / page.viewport_size["height"] < 8, (path, height)


def test_photo_fields_and_date_fields_in_the_browser(live_server, page, fam):
    log_in(page, live_server, "manager")
    page.goto(f"{live_server}/scans/new")
    camera, choose = page.get_by_label("Take a photo"), page.get_by_label("Choose photos")
    assert camera.is_visible() and choose.is_visible()
    assert camera.get_attribute("capture") == "environment" and not camera.get_attribute("multiple")
    assert choose.get_attribute("multiple") is not None and not choose.get_attribute("capture")
    for path in ("/agenda", "/alerts", "/reports/drift"):
        page.goto(f"{live_server}{path}")
        assert page.locator("input[type=date]").count() == 0, path
        day = page.locator("input[name=date-day]").first
        assert day.is_visible(), path
    page.goto(f"{live_server}/alerts")
    page.fill("#alerts-date-day", "3")
    page.fill("#alerts-date-month", "2")
    page.fill("#alerts-date-year", "2027")
    page.locator("form:has(#alerts-date) button[type=submit]").click()
    page.wait_for_url("**/alerts?**")
    assert "Open alerts on Wed 3 Feb 2027" in page.locator("h1").inner_text()


def test_the_agenda_records_an_outcome_in_place_and_shows_a_refusal(live_server, page, fam):
    """The agenda's script posts an outcome and shows the answer beside the form; a refusal
    comes back as the app's one JSON error shape and is shown as an error, nothing saved."""
    log_in(page, live_server, "manager")
    page.goto(f"{live_server}/agenda")
    form = page.locator("form.outcome-form").first
    message = form.locator(".form-message")
    form.locator("input[name=note]").fill("   ")  # passes the browser's check, not ours
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "el => el.textContent.length > 0", arg=message.element_handle(), timeout=30_000
    )
    assert "write a short note" in message.text_content()
    assert "error" in message.get_attribute("class")
    form.locator("input[name=note]").fill("Agreed: review the plan next week")
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "el => el.textContent.startsWith('Outcome recorded')", arg=message.element_handle()
    )
    assert "error" not in message.get_attribute("class")
    assert page.url.startswith(f"{live_server}/agenda")
