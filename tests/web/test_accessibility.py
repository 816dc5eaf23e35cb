"""Every page, as every role, at a phone's 320 x 640 and a desktop's 1280 x 800: axe-core's
WCAG 2.0, 2.1 and 2.2 A/AA rules find nothing, and no page is wider than the screen.

The pages come from the app's own URL map (every GET route that answers HTML, with sample
ids from a store holding four months of history and one scan preview), so a page added
tomorrow is checked without anyone listing it here. One Chromium, one logged-in context
per role, reused for every page.
"""

from __future__ import annotations

import io
import os
import re
from datetime import date
from pathlib import Path

import pytest

from tests.helpers.web import PASSWORD, needs_chromium, running_server
from webapp.values.actor import Actor

pytestmark = [pytest.mark.browser, needs_chromium]

SIZES = [(320, 640), (1280, 800)]
ROLES = ("admin", "manager", "practitioner")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Routes that answer a file, not a page (checked by their own tests).
NOT_PAGES = re.compile(r"\.(pdf|csv|jpg|png|json|ttf)$|^/static/|^/api/")


@pytest.fixture(scope="module")
def sample(tmp_path_factory, board_photo_of):
    """A store with four months of one team's history, the three roles, another team's
    family and one scan preview: (db path, sample values for URL converters)."""
    from webapp.accounts.teams import ensure_team
    from webapp.accounts.users import add_user
    from webapp.cases.families import add_family, list_families
    from webapp.demo.history import generate_history
    from webapp.scans.intake import preview_photos
    from webapp.store.connection import open_store

    path = tmp_path_factory.mktemp("a11y") / "caseboard.db"
    db = open_store(path, create=True)
    team = ensure_team(db, "Team")
    for role in ROLES:
        add_user(db, role, role, PASSWORD, "Team")
    generate_history(db, team, days=120, families=24, seed=3)
    other = ensure_team(db, "Elsewhere")
    stranger = add_family(
        db, other, initials="ZZz", stage=1, review=date.today().isoformat(), actor=Actor.cli()
    )
    families = [f for f in list_families(db, team) if not f.get("closed_on")]
    scan = preview_photos(
        db, team, [("board-1.jpg", board_photo_of(families))], actor=Actor.web(None)
    )
    db.close()
    values = {
        "token": families[0]["token"],
        "scan_id": scan["id"],
        "position": 0,
        "stage": 1,
    }
    return str(path), values, stranger["token"]


@pytest.fixture(scope="module")
def board_photo_of():
    def make(families) -> bytes:
        from scanner.synth import TileSpec, make_board_photo

        on_one = [f for f in families if f["stage"] == 1][:4]
        places = [(200, 200), (450, 300), (800, 250), (600, 480)]
        tiles = [
            TileSpec(f["token"], f["initials"], 1, x, y)
            for f, (x, y) in zip(on_one, places, strict=False)
        ]
        shot = make_board_photo(tiles, (1,), seed=3)  # the whole board in a 12 MP photo
        return shot.jpeg_bytes()

    return make


def page_urls(app, values: dict) -> list[str]:
    """Every GET route of ``app`` that draws a page, with the sample values filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or NOT_PAGES.search(rule.rule):
            continue
        if rule.rule.startswith("/T/"):  # the upper-case twin of /t/<token>
            continue
        missing = [name for name in rule.arguments if name not in values]
        assert not missing, f"no sample value for {missing} in {rule.rule}: add one"
        urls.append(rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1])
    return sorted(set(urls))


@pytest.fixture(scope="module")
def server(sample):
    from webapp import create_app

    db_path, values, stranger = sample
    app = create_app({"DB": db_path, "WTF_CSRF_ENABLED": True})
    urls = page_urls(app, values)
    urls += ["/no/such/page", f"/t/{stranger}"]  # the error pages a user meets
    with running_server(app) as base_url:
        yield base_url, urls


def check(page, label: str) -> list[str]:
    """axe-core's WCAG A/AA violations and sideways scrolling on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    problems = []
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        wide = page.evaluate(WIDEST, width)
        problems.append(f"{label}: {scroll}px wide at {width}px: {wide}")
    words = page.inner_text("body")
    stray = sorted(set(re.findall(r"\b\d{4}-\d{2}-\d{2}\b|\bUTC\b", words)))
    if stray:  # one date format on every page, and no UTC
        problems.append(f"{label}: dates not written out: {stray[:4]}")
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    for rule in result.response["violations"]:
        targets = [n["target"] for n in rule["nodes"]][:4]
        problems.append(f"{label}: {rule['id']} ({len(rule['nodes'])}) {targets}")
    return problems


#: The deepest elements that stick out past the right edge, for a useful failure message.
WIDEST = """(width) => {
  const out = e => e.getBoundingClientRect().right > width + 1;
  return [...document.querySelectorAll('body *')]
    .filter(e => out(e) && ![...e.children].some(out))
    .slice(0, 4).map(e => e.tagName.toLowerCase() + '.' + e.className + '#' + e.id + ' ' +
                          Math.round(e.getBoundingClientRect().right));
}"""


#: An export file as a case system writes it, for the import preview.
EXPORT_CSV = (
    b"Case Ref,Child first name,Surname,Allocated Worker,CP Stage,Next Review Date\r\n"
    b"LCS-1001,Thomasina,Wrightson,Sam Okafor,2,04/12/2027\r\n"
    b"LCS-2002,Elodie,Banez,Ray Mensah,4,01/02/2028\r\n"
)


def check_states(page, base_url: str, role: str, values: dict) -> list[str]:
    """Pages that only a form reaches: the admin's import preview (with its column
    choices) and a refused review date (the error summary and the field's message)."""
    problems = []
    if role == "admin":
        page.goto(f"{base_url}/admin/families")
        page.set_input_files(
            "#import-file", {"name": "export.csv", "mimeType": "text/csv", "buffer": EXPORT_CSV}
        )
        with page.expect_navigation():
            page.click("#import button[type=submit]")
        assert page.locator("select#column-0").count() == 1, page.content()[:2000]
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            problems += check(page, f"import preview as admin at {width}px")
    if role == "manager":
        page.goto(f"{base_url}/t/{values['token']}")
        page.fill("#review-day", "31")
        page.fill("#review-month", "2")
        page.fill("#review-year", "2027")
        with page.expect_navigation():
            page.click("form:has(#review) button[type=submit]")
        summary = page.locator(".error-summary")
        assert summary.is_visible() and "There is a problem" in summary.inner_text()
        assert summary.locator('a[href="#review"]').count() == 1
        assert page.locator("#review-error").is_visible()  # the message at the field too
        assert page.evaluate("document.activeElement.className") == "error-summary"
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            problems += check(page, f"a refused date as manager at {width}px")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_fits_the_screen(browser, server, sample, role):
    base_url, urls = server
    values = sample[1]
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.set_default_timeout(120_000)  # two cores shared with other work can be slow
    page.goto(f"{base_url}/login")
    check_login = []
    if role == "admin":  # the log-in page, as it is and after a wrong password
        check_login = check(page, "/login (logged out)")
        page.fill("#username", role)
        page.fill("#password", "wrong")
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.locator(".error-summary").is_visible()
        check_login += check(page, "/login (wrong password)")
    page.fill("#username", role)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    problems = check_login
    pages_seen, refused_seen = 0, False
    for url in urls:
        response = page.goto(base_url + url)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        if response.status == 403:  # one "not open to your role" page is like the next
            if refused_seen:
                continue
            refused_seen = True
        if page.locator("h1").count() != 1:
            problems.append(f"{url} as {role}: {page.locator('h1').count()} h1 headings")
        pages_seen += 1
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            problems += check(page, f"{url} as {role} at {width}px")
        page.set_viewport_size({"width": 320, "height": 640})
    problems += check_states(page, base_url, role, values)
    context.close()
    assert len(urls) >= 15 and pages_seen >= 8, (pages_seen, urls)
    assert not problems, "\n".join(problems)


# -- keyboard only ------------------------------------------------------------------------

FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: e.innerText || '',
          name: e.name || '', href: e.getAttribute('href') || '',
          focus: e.matches(':focus'), outline: s.outlineStyle, shadow: s.boxShadow,
          visible: s.outlineStyle !== 'none' || s.boxShadow !== 'none'}; }"""


def tab_to(page, wanted, limit: int = 120) -> dict:
    """Press Tab until the focused element matches ``wanted(focused)``; every element
    passed on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["visible"], f"focus not visible on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"Tab never reached the element on {page.url}")


def test_keyboard_only_log_in_open_a_tile_and_set_its_review_date(browser, server):
    from datetime import timedelta

    base_url, _ = server
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{base_url}/login")
    assert page.evaluate(FOCUSED)["id"] == "username"  # the form starts in its first field
    page.keyboard.type("manager")
    tab_to(page, lambda f: f["id"] == "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/")

    # the skip link jumps past the navigation to the boards, the first tile is a few tabs on
    first = tab_to(page, lambda f: True, limit=1)
    assert first["cls"] == "skip-link" and "Skip to the main content" in first["text"]
    page.keyboard.press("Enter")
    tile = tab_to(page, lambda f: f["tag"] == "a" and f["href"].startswith("/t/"), limit=15)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base_url}{tile['href']}"
    code = page.locator(".tile-code strong").inner_text()

    new_date = date.today() + timedelta(days=23)
    for part, value in (("day", new_date.day), ("month", new_date.month), ("year", new_date.year)):
        tab_to(page, lambda f, part=part: f["id"] == f"review-{part}")
        page.keyboard.press("Control+A")
        page.keyboard.type(str(value))
    tab_to(page, lambda f: f["tag"] == "button" and f["text"].strip() == "Set date")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#next-review").inner_text() == new_date.strftime("%a %-d %b %Y")
    assert page.locator(".tile-code strong").inner_text() == code
    assert new_date.strftime("%a %-d %b %Y") in page.locator(".flash").inner_text()
    context.close()


# -- the screenshots in docs/img ----------------------------------------------------------


@pytest.mark.skipif(
    not os.environ.get("CASEBOARD_SCREENSHOTS"), reason="set CASEBOARD_SCREENSHOTS=docs/img"
)
def test_screenshots_for_the_docs(browser, server, sample):
    """``CASEBOARD_SCREENSHOTS=docs/img pytest tests/web -m browser`` refreshes the pages
    the docs show from this store with its four months of history (the phone pages of
    the scan flow come from test_browser.py)."""
    import pypdfium2 as pdfium
    from PIL import Image
    from test_browser import shot

    base_url, _ = server
    _, values, stranger = sample
    folder = Path(os.environ["CASEBOARD_SCREENSHOTS"])
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{base_url}/login")
    page.fill("#username", "manager")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{base_url}/agenda")
    shot(page, folder, "meeting-agenda")
    page.set_viewport_size({"width": 1200, "height": 600})
    page.goto(f"{base_url}/agenda/print")
    shot(page, folder, "meeting-print")
    page.set_viewport_size({"width": 390, "height": 700})
    page.goto(f"{base_url}/t/{stranger}")
    shot(page, folder, "error-phone")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base_url}/rules")
    shot(page, folder, "rules-phone")
    page.goto(f"{base_url}/alerts")
    shot(page, folder, "alerts-phone")
    photo = page.request.get(f"{base_url}/scans/{values['scan_id']}/photo/0.jpg").body()
    save_png(Image.open(io.BytesIO(photo)), folder / "annotated-board.png", 900)
    drift = page.request.get(f"{base_url}/reports/drift.pdf").body()
    pdf = pdfium.PdfDocument(drift)
    save_png(pdf[0].render(scale=1.6).to_pil(), folder / "drift-report.png", 745)
    pdf.close()
    context.close()


def save_png(picture, path: Path, width: int) -> None:
    """``picture`` scaled to ``width`` px across, as a small palette PNG."""
    from PIL import Image

    picture = picture.convert("RGB")
    height = round(picture.height * width / picture.width)
    small = picture.resize((width, height), Image.LANCZOS).quantize(colors=128)
    small.save(path, optimize=True)
