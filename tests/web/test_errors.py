"""One error path: every error is error.html with the navigation and a way back (or JSON
under /api/), never a traceback; and every redirect taken from a form stays on this site."""

from __future__ import annotations

import html
import io
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import abort

from tests.helpers.web import PASSWORD, flatten, needs_chromium, text
from webapp.accounts.teams import team_today
from webapp.rules.alert_records import add_manager_alert
from webapp.rules.alerts import open_alerts
from webapp.values.actor import Actor
from webapp.web.redirects import safe_next

HOSTILE = [
    "//evil.example",
    "/\t/evil.example",
    "/\\evil.example",
    "https://evil.example",
    "/%0d%0aSet-Cookie:x",
    "javascript:alert(1)",
]


def add_failing_routes(app) -> None:
    """Test-only routes: ``/fail/<code>`` aborts with that status, ``/boom`` and
    ``/api/boom`` raise an unexpected exception. Added before the app's first request."""

    def fail(code: int):
        abort(code)

    def boom():
        raise RuntimeError("secret internals: /srv/caseboard.db")

    app.add_url_rule("/fail/<int:code>", "fail", fail)
    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/boom", "api_boom", boom)


def assert_error_page(response, status: int, sentence: str) -> str:
    """The status, the plain sentence, the navigation and a link to the boards."""
    page = text(response)
    assert response.status_code == status, page[:500]
    assert sentence in html.unescape(flatten(page))
    assert '<nav id="site-nav"' in page and 'href="/agenda"' in page
    assert 'href="/"' in page and "Go to the boards" in page
    assert "Traceback" not in page
    return page


@pytest.mark.parametrize(
    "status, sentence",
    [
        (400, "Something in the form or the address was not right"),
        (403, "Your role cannot see or change this"),
        (404, "The link may be old or mistyped"),
        (413, "That upload is too large"),
        (429, "Wait a few minutes, then try again"),
        (500, "caseboard could not finish this"),
    ],
)
def test_each_status_is_the_error_page_with_the_navigation(app, client_for, status, sentence):
    add_failing_routes(app)
    assert_error_page(client_for("manager").get(f"/fail/{status}"), status, sentence)


def test_real_errors_render_the_error_page(client_for, fam):
    manager, practitioner = client_for("manager"), client_for("practitioner")
    assert_error_page(manager.get("/no/such/page"), 404, "We can't find that page")
    assert_error_page(practitioner.get("/printing/"), 403, "That is not open to your role")
    bad = assert_error_page(manager.get("/alerts?date=nonsense"), 400, "That could not be done")
    assert "nonsense" in bad  # the library's own message is the detail
    assert_error_page(manager.get("/logout"), 405, "That can't be done from here")


def test_back_goes_only_to_a_page_on_this_site(client_for):
    manager = client_for("manager")
    page = text(manager.get("/no/such/page", headers={"Referer": "http://localhost/agenda"}))
    assert 'href="/agenda">Back</a>' in page.replace('class="button secondary" ', "")
    for referrer in ("https://evil.example/agenda", "http://localhost//evil.example"):
        page = text(manager.get("/no/such/page", headers={"Referer": referrer}))
        assert ">Back</a>" not in page, referrer


def test_another_teams_tile_is_a_friendly_404(client_for, other_family):
    for url in (f"/t/{other_family['token']}", "/t/0000000000"):
        page = assert_error_page(
            client_for("practitioner").get(url), 404, "We can't find that tile"
        )
        assert "This tile belongs to another team or no longer exists." in html.unescape(page)


def test_an_unexpected_exception_is_a_plain_500_and_is_logged(app, client_for, caplog):
    add_failing_routes(app)
    response = client_for("manager").get("/boom")
    page = assert_error_page(response, 500, "Something went wrong on our side")
    assert "secret internals" not in page and "RuntimeError" not in page
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is RuntimeError]
    assert logged and "/boom" in logged[0].getMessage()


def test_a_missing_store_is_a_plain_503(client_for, db_path):
    manager = client_for("manager")
    os.remove(db_path)
    response = manager.get("/")
    page = text(response)
    assert response.status_code == 503
    assert "The case store is not available" in page and 'href="/"' in page
    assert Path(db_path).name not in page and "Traceback" not in page


def test_an_oversized_upload_is_a_friendly_413(csrf_app, csrf_client, csrf_auth):
    csrf_app.config["MAX_CONTENT_LENGTH"] = 4096
    csrf_auth.login("manager")
    photo = (io.BytesIO(b"\xff" * 20_000), "big.jpg")
    response = csrf_client.form("/scans", {"photo": photo})
    assert_error_page(response, 413, "caseboard accepts up to 4 KB in one go")


def test_a_form_without_its_csrf_token_is_a_friendly_400(csrf_client, csrf_auth, fam):
    csrf_auth.login("manager")
    form = {"token": fam["TWr"]["token"], "date": "2030-01-01", "action": "x"}
    page = assert_error_page(csrf_client.post("/alerts/new", data=form), 400, "The form expired")
    assert "reload the page and try again" in page


# -- the JSON API keeps answering {"error": ...} ------------------------------------------


def test_api_errors_are_json(app, client, api_tokens, fam, other_family):
    add_failing_routes(app)
    app.config["MAX_CONTENT_LENGTH"] = 4096
    bearer = {"Authorization": f"Bearer {api_tokens['manager']}"}
    photo = {"photo": (io.BytesIO(b"0" * 20_000), "a.jpg")}
    cases = [
        (client.get(f"/api/tiles/{fam['TWr']['token']}"), 401),
        (client.get(f"/api/tiles/{other_family['token']}", headers=bearer), 404),
        (client.get("/api/no/such/thing", headers=bearer), 404),
        (client.post("/api/scans", data={"other": "x"}, headers=bearer), 400),
        (client.post("/api/scans", data=photo, headers=bearer), 413),
        (client.delete(f"/api/tiles/{fam['TWr']['token']}", headers=bearer), 405),
        (client.get("/api/boom"), 500),
    ]
    for response, status in cases:
        assert response.status_code == status, response.get_data(as_text=True)[:300]
        assert response.is_json and response.json["error"], status
        assert "Traceback" not in response.get_data(as_text=True)
    assert cases[0][0].headers["WWW-Authenticate"].startswith("Bearer")
    assert "secret internals" not in cases[-1][0].json["error"]


# -- safe_next: every redirect from a form stays on this site ------------------------------


@pytest.mark.parametrize("target", HOSTILE + ["", None, "agenda", "/\x00/x", "/%5Cevil.example"])
def test_safe_next_refuses_anything_but_a_local_path(target):
    assert safe_next(target, "/fallback") == "/fallback"


@pytest.mark.parametrize("target", ["/", "/agenda?date=2030-01-07", "/t/K7M2Q9XH3A#alerts"])
def test_safe_next_keeps_a_local_path(target):
    assert safe_next(target, "/fallback") == target


def stays_on_site(response) -> str:
    assert response.status_code == 302
    location = response.location
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/") and not location.startswith("//"), location
    assert "\\" not in location and all(ord(c) >= 32 for c in location), location
    assert not any(k.lower() == "set-cookie" and v.startswith("x") for k, v in response.headers)
    return location


@pytest.mark.parametrize("target", HOSTILE)
def test_login_next_stays_on_site(auth, target):
    assert stays_on_site(auth.login("practitioner", next=target)) == "/"


def test_login_next_to_a_local_page_still_works(auth):
    assert stays_on_site(auth.login("practitioner", next="/agenda")) == "/agenda"


@pytest.mark.parametrize("target", HOSTILE)
def test_agenda_request_next_stays_on_site(client_for, fam, target):
    token = fam["MOl"]["token"]
    response = client_for("practitioner").form(f"/t/{token}/agenda-request", {"next": target})
    assert stays_on_site(response) == f"/t/{token}"


def test_agenda_request_next_to_a_local_page_still_works(client_for, fam):
    url = f"/t/{fam['MOl']['token']}/agenda-request"
    response = client_for("practitioner").form(url, {"next": "/agenda"})
    assert stays_on_site(response) == "/agenda"


def open_alert(store, team, token: str) -> dict:
    """A manager alert due today on ``token``'s family, as the alerts page lists it."""
    today = team_today(team)
    add_manager_alert(store, team, token, due_on=today, action="ring the school", actor=Actor.cli())
    return next(a for a in open_alerts(store, team, today) if a["token"] == token)


@pytest.mark.parametrize("target", HOSTILE)
def test_alert_follow_up_back_stays_on_site(client_for, store, team, fam, target):
    alert = open_alert(store, team, fam["MOl"]["token"])
    form = {"token": alert["token"], "key": alert["key"], "back": target}
    assert stays_on_site(client_for("manager").form("/alerts/follow-up", form)) == "/alerts"


def test_alert_follow_up_back_to_the_tile_page_still_works(client_for, store, team, fam):
    alert = open_alert(store, team, fam["MOl"]["token"])
    back = f"/t/{alert['token']}"
    form = {"token": alert["token"], "key": alert["key"], "back": back}
    assert stays_on_site(client_for("manager").form("/alerts/follow-up", form)) == back


# -- on a phone ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_error_page_fits_a_phone_and_passes_axe(live_server, browser):
    """Another team's tile, as a practitioner meets it after scanning: no sideways scrolling
    at 320 and 390 px, and no axe-core violation (WCAG 2.2 AA rules) there or on a desktop."""
    from axe_playwright_python.sync_playwright import Axe

    for width in (320, 390, 1280):
        page = browser.new_page(viewport={"width": width, "height": 740})
        page.goto(f"{live_server}/login?next=/t/0000000000")
        page.fill("#username", "admin")  # the longest navigation
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/t/0000000000")
        assert "We can't find that tile" in page.inner_text("h1")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, (width, scroll)
        tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
        assert results.violations_count == 0, (width, results.generate_report())
        page.close()
