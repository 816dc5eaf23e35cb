"""Security headers on every answer, HSTS over HTTPS only, no-store on case data, and no
inline script anywhere (so the CSP can forbid it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.web import text

TEMPLATES = Path(__file__).resolve().parents[2] / "webapp" / "web" / "templates"


def check_headers(response, *, https=False):
    h = response.headers
    csp = h["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] == "same-origin"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert ("Strict-Transport-Security" in h) is https


@pytest.mark.parametrize(
    "role, url",
    [
        ("practitioner", "/t/{token}"),
        ("practitioner", "/"),
        ("practitioner", "/agenda"),
        ("manager", "/agenda.pdf"),
        ("manager", "/reports/drift"),
        ("manager", "/reports/drift.csv"),
        ("admin", "/admin/"),
        ("admin", "/audit"),
        ("admin", "/audit.csv"),
    ],
)
def test_case_data_pages_and_downloads_carry_the_headers_and_no_store(client_for, family, role,
                                                                      url):  # fmt: skip
    token = family()["token"]
    response = client_for(role).get(url.format(token=token))
    assert response.status_code == 200, url
    check_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_api_login_errors_and_static_files(client, api_tokens, family):
    token = family()["token"]
    api = client.get(
        f"/api/tiles/{token}", headers={"Authorization": f"Bearer {api_tokens['admin']}"}
    )
    check_headers(api)
    assert api.headers["Cache-Control"] == "no-store"
    check_headers(client.get("/login"))
    check_headers(client.get("/no-such-page"))
    static = client.get("/static/caseboard.js")
    check_headers(static)
    assert static.headers.get("Cache-Control") != "no-store"  # scripts and styles may be cached
    static.close()


def test_hsts_only_over_https(client):
    check_headers(client.get("/login", base_url="https://caseboard.example"), https=True)
    check_headers(client.get("/login"), https=False)


def test_no_template_has_inline_script_or_handlers():
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), path
        assert not re.search(r"\son[a-z]+\s*=", source), path
        assert "javascript:" not in source, path


def test_the_tile_page_script_is_a_static_file(client_for, family):
    manager = client_for("manager")
    page = text(manager.get(f"/t/{family()['token']}"))
    assert '/static/caseboard.js"' in page and 'data-fills="stage-review"' in page
    script = manager.get("/static/caseboard.js")
    assert "data-fills" in script.get_data(as_text=True)
    script.close()
