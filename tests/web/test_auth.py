"""Logging in: the form, redirects back, the failed-login limit, CSRF, cookies, roles."""

from __future__ import annotations

import re

from tests.helpers.web import PASSWORD, AuthActions, csrf_token, flatten, text
from webapp.accounts.users import user_by_id
from webapp.store import access_log


def test_login_form_has_contract_fields(client):
    page = text(client.get("/login?next=/t/ABC"))
    for field in ("username", "password", "csrf_token", "next"):
        assert re.search(rf'name="{field}"', page), field
    assert 'value="/t/ABC"' in page


def test_login_goes_back_to_the_tile_page(client, auth, fam):
    token = fam["TWr"]["token"]
    first = client.get(f"/t/{token}")
    assert first.status_code == 302
    assert first.location.startswith("/login?next=")
    response = auth.login("practitioner", next=f"/t/{token}")
    assert response.status_code == 302
    assert response.location == f"/t/{token}"
    assert "TWr" in text(client.get(f"/t/{token}"))


def test_login_ignores_next_pointing_off_site(auth):
    for evil in ("//evil.example/", "https://evil.example/x", "/\\evil.example", "javascript:x"):
        response = auth.login("practitioner", next=evil)
        assert response.location == "/", evil
        auth.logout()


def test_wrong_password_is_refused_with_a_message(client, auth):
    response = auth.login("manager", "wrong password")
    assert response.status_code == 401
    assert "do not match" in text(response)
    assert client.get("/").status_code == 302  # still logged out


def test_failed_logins_are_rate_limited_per_user_and_address(client, auth, app):
    for _ in range(app.config["LOGIN_ATTEMPTS"]):
        assert auth.login("manager", "nope nope").status_code == 401
    blocked = auth.login("manager")  # even the right password now waits
    assert blocked.status_code == 429
    assert "Too many failed log-ins" in text(blocked)
    assert int(blocked.headers["Retry-After"]) > 0
    assert client.get("/").status_code == 302
    # another user from the same address, and the same user from another address, still log in
    assert auth.login("practitioner").status_code == 302
    elsewhere = app.test_client()
    token = csrf_token(elsewhere)
    response = elsewhere.post(
        "/login",
        data={"username": "manager", "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 302


def test_a_session_whose_user_is_gone_is_logged_out_not_a_500(client, auth, store, users):
    """E.g. after an older store is restored: the session names a user id no longer there."""
    assert auth.login("manager").status_code == 302
    assert client.get("/").status_code == 200
    store.execute("delete from audit where user_id = ?", [users["manager"]["id"]])  # its log
    store["users"].delete(users["manager"]["id"])
    assert user_by_id(store, users["manager"]["id"]) is None
    board = client.get("/")
    assert board.status_code == 302 and board.location.startswith("/login")
    assert client.get("/login").status_code == 200
    assert auth.login("practitioner").status_code == 302  # and another user logs in
    assert client.get("/").status_code == 200


def test_a_good_login_starts_the_count_afresh(client, auth, app, store):
    limit = app.config["LOGIN_ATTEMPTS"]
    for _ in range(limit - 1):
        assert auth.login("manager", "nope nope").status_code == 401
    assert auth.login("manager").status_code == 302
    assert store["login_failures"].count == 0  # cleared in the store, not just this request
    auth.logout()
    for _ in range(limit - 1):
        assert auth.login("manager", "nope nope").status_code == 401
    assert auth.login("manager").status_code == 302


def test_login_without_csrf_token_is_rejected(csrf_client, users):
    response = csrf_client.post("/login", data={"username": "manager", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in text(response)
    assert csrf_client.get("/").status_code == 302


def test_cookies_are_httponly_and_lax_and_secure_over_https(csrf_app, users):
    plain = AuthActions(csrf_app.test_client()).login("manager")
    cookies = plain.headers.getlist("Set-Cookie")
    assert cookies and all("HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
    assert not any("Secure" in c for c in cookies)
    secure = csrf_app.test_client()
    token = secure.get("/login", base_url="https://caseboard.example").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', token).group(1)
    response = secure.post(
        "/login",
        data={"username": "manager", "password": PASSWORD, "csrf_token": token},
        base_url="https://caseboard.example",
        headers={"Referer": "https://caseboard.example/login"},  # Flask-WTF checks it on HTTPS
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies)


def test_logout_needs_post_with_csrf(csrf_client, csrf_auth):
    client = csrf_client
    assert csrf_auth.login("manager").status_code == 302
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/").status_code == 200
    assert client.form("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_audit_page_is_for_admins_of_their_own_team(client_for, fam, store):
    client_for("manager").get(f"/t/{fam['TWr']['token']}")
    page = client_for("admin").get("/audit")
    assert page.status_code == 200
    row = flatten(text(page))
    assert "manager Opened a tile page TWr" in row  # plain words and the board code
    assert "tile.view" not in row and fam["TWr"]["token"] not in row
    assert f'href="/audit?family={fam["TWr"]["token"]}"' in text(page)  # its entries
    assert client_for("manager").get("/audit").status_code == 403
    assert client_for("practitioner").get("/audit").status_code == 403
    outsider = text(client_for("outsider").get("/audit"))
    assert fam["TWr"]["token"] not in outsider and "TWr" not in outsider
    assert store["audit"].count_where("action = ?", [access_log.TILE_VIEW]) == 1
