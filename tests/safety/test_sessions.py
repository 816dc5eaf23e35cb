"""Sessions that end (contract §8), the secret key and store modes, password rules,
API tokens that can be revoked, and log-ins that are throttled, timed alike and logged."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

import webapp.accounts.users as users_module
from tests.helpers.web import PASSWORD, AuthActions, csrf_token
from webapp import create_app
from webapp.accounts.users import add_user, authenticate, check_password
from webapp.errors import BadInput
from webapp.store.connection import open_store


def cookies(client) -> dict[str, str]:
    return {c.key: c.value for c in client._cookies.values()}


def replay(app, jar: dict[str, str], *names: str):
    """A fresh client carrying copies of ``names`` from a cookie jar, as a thief would."""
    thief = app.test_client()
    for name in names:
        thief.set_cookie(name, jar[name])
    return thief


def logged_in(app, username="manager"):
    client = app.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return client, cookies(client)


def test_a_copied_session_or_remember_cookie_is_refused_after_logout(app, users):
    client, jar = logged_in(app)
    assert {"session", "remember_token"} <= set(jar)
    assert replay(app, jar, "session").get("/").status_code == 200  # the copy works, so far
    assert replay(app, jar, "remember_token").get("/").status_code == 200
    AuthActions(client).logout()
    for name in ("session", "remember_token"):
        after = replay(app, jar, name).get("/")
        assert after.status_code == 302 and after.location.startswith("/login"), name


@pytest.mark.parametrize("how", ["reset", "deactivate", "sign-out"])
def test_an_admin_reset_deactivation_or_sign_out_ends_every_session(app, users, how):
    _client, jar = logged_in(app, "practitioner")
    admin, _ = logged_in(app, "admin")
    user_id = users["practitioner"]["id"]
    url, form = {
        "reset": (f"/admin/users/{user_id}/password", {"password": "a brand new passphrase"}),
        "deactivate": (f"/admin/users/{user_id}/active", {"active": "0"}),
        "sign-out": (f"/admin/users/{user_id}/sign-out", {}),
    }[how]
    assert admin.post(url, data=form).status_code == 302
    for name in ("session", "remember_token"):
        assert replay(app, jar, name).get("/").status_code == 302, name


def test_a_password_change_ends_sessions_and_the_new_password_logs_in(app, users, store):
    _client, jar = logged_in(app, "manager")
    users_module.set_password(store, users["manager"], "another good passphrase")
    assert replay(app, jar, "remember_token").get("/").status_code == 302
    fresh = app.test_client()
    assert AuthActions(fresh).login("manager", "another good passphrase").status_code == 302


def test_the_secret_key_lives_in_an_owner_only_instance_folder(db_path, tmp_path, monkeypatch):
    monkeypatch.delenv("CASEBOARD_SECRET_KEY", raising=False)
    folder = tmp_path / "instance"
    app = create_app({"DB": db_path, "INSTANCE_PATH": str(folder)})
    key_file = folder / "secret_key"
    assert app.config["SECRET_KEY"] == key_file.read_text().strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    again = create_app({"DB": db_path, "INSTANCE_PATH": str(folder)})
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]  # survives a restart
    db = open_store(db_path)
    assert not list(db.query("select * from settings where key = 'secret_key'"))
    monkeypatch.setenv("CASEBOARD_SECRET_KEY", "from-the-environment")
    assert create_app({"DB": db_path, "INSTANCE_PATH": str(folder)}).config["SECRET_KEY"] == (
        "from-the-environment"
    )


def test_a_new_store_is_owner_only(runner, tmp_path):
    path = tmp_path / "new" / "caseboard.db"
    assert runner.on(path)("init", "--team", "T").exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loose = tmp_path / "loose.db"
    assert runner.on(loose)("init").exit_code == 0
    os.chmod(loose, 0o644)
    assert runner.on(loose)("init").exit_code == 0  # opening it again tightens it
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "password, reason",
    [
        ("short pass", "at least 12"),
        ("mia", "at least 12"),
        ("miamiamiamia", "name"),
        ("Password1234", "breached"),
        ("qwertyuiop12", "breached"),
        ("correct horse battery staple", "breached"),
        ("maryanne1234", "user name"),
        ("plum otter harbour lamp", None),
    ],
)
def test_password_rules(password, reason):
    username = "maryanne" if "maryanne" in password else "mia"
    if reason is None:
        assert check_password(password, username) == password
    else:
        with pytest.raises(BadInput, match=reason):
            check_password(password, username)


def test_password_rules_hold_on_the_command_line(runner):
    for bad, reason in (("short", "at least 12"), ("samantha1234", "user name"),
                        ("password1234", "breached")):  # fmt: skip
        result = runner("user", "add", "samantha", "--role", "manager", "--password-stdin",
                        input=bad + "\n")  # fmt: skip
        assert result.exit_code == 2 and reason in result.output
    assert runner.json("token", "list") == []


def test_api_tokens_are_listed_and_revoked_by_cli_and_admin_page(runner, client_for, api_tokens):
    client = client_for("admin")
    headers = {"Authorization": f"Bearer {api_tokens['manager']}"}
    listed = runner.json("token", "list", "manager")
    assert len(listed) == 1 and listed[0]["revoked_at"] is None
    assert api_tokens["manager"].startswith(listed[0]["prefix"])
    assert api_tokens["manager"] not in runner("token", "list").output
    assert client.get("/api/tiles/NOPE", headers=headers).status_code == 404  # works
    result = runner("token", "revoke", str(listed[0]["id"]))
    assert result.exit_code == 0 and "revoked" in result.output
    assert client.get("/api/tiles/NOPE", headers=headers).status_code == 401
    assert runner("token", "revoke", str(2**63)).exit_code == 2
    assert runner("token", "revoke", "99").exit_code == 2
    # the admin page lists the team's tokens and revokes one
    page = client.get("/admin/people").get_data(as_text=True)
    practitioner = next(t for t in runner.json("token", "list", "practitioner"))
    assert f"{practitioner['prefix']}…" in page
    assert client.post(f"/admin/tokens/{practitioner['id']}/revoke").status_code == 302
    other = {"Authorization": f"Bearer {api_tokens['practitioner']}"}
    assert client.get("/api/tiles/NOPE", headers=other).status_code == 401
    outsider = next(t for t in runner.json("token", "list", "outsider"))
    assert client.post(f"/admin/tokens/{outsider['id']}/revoke").status_code == 404


def test_spraying_one_address_across_user_names_is_throttled(app, users):
    client = app.test_client()
    app.config["LOGIN_ADDRESS_ATTEMPTS"] = limit = 6  # the default is 30: the same check, quicker
    for n in range(limit):
        token = csrf_token(client)
        data = {"username": f"guess{n}", "password": "Summer2026!!x", "csrf_token": token}
        assert client.post("/login", data=data).status_code == 401
    blocked = AuthActions(client).login("manager")  # a real user, right password, same address
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    elsewhere = app.test_client()
    ok = elsewhere.post(
        "/login",
        data={"username": "manager", "password": PASSWORD, "csrf_token": csrf_token(elsewhere)},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert ok.status_code == 302


def test_one_user_from_many_addresses_is_throttled(app, users):
    client = app.test_client()
    for n in range(app.config["LOGIN_USER_ATTEMPTS"]):
        data = {"username": "manager", "password": "wrong wrong", "csrf_token": csrf_token(client)}
        response = client.post("/login", data=data, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        assert response.status_code == 401
    data = {"username": "manager", "password": PASSWORD, "csrf_token": csrf_token(client)}
    response = client.post("/login", data=data, environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert response.status_code == 429


def test_unknown_user_names_take_as_long_as_known_ones(store, team):
    add_user(store, "realuser", "manager", "a long real passphrase", team["name"])  # scrypt
    authenticate(store, "nobody-at-all", "x")  # make the dummy hash once

    def timed(name):
        started = time.perf_counter()
        assert authenticate(store, name, "not the password at all") is None
        return time.perf_counter() - started

    known = min(timed("realuser") for _ in range(2))
    unknown = min(timed("nobody-at-all") for _ in range(2))
    assert 0.5 < unknown / known < 2.0, (known, unknown)
    assert users_module._dummy_hash().split("$")[0] == generate_password_hash("x").split("$")[0]


def test_logins_failures_and_logouts_are_logged(client, auth, users, store):
    auth.login("manager", "wrong wrong")
    auth.login("nobody", "wrong wrong")
    auth.login("manager")
    auth.logout()
    rows = list(store.query("select action, user_id, team_id, detail, ip from audit "
                            "where action like 'log%' order by id"))  # fmt: skip
    assert [r["action"] for r in rows] == ["login.failed", "login.failed", "login", "logout"]
    assert rows[1]["team_id"] is None and '"nobody"' in rows[1]["detail"]
    assert rows[2]["user_id"] == users["manager"]["id"] and rows[2]["ip"]


def test_caseboard_cfg_is_read_only_from_the_configured_instance_folder(
    db_path, tmp_path, monkeypatch
):
    """The attack: a caseboard.cfg dropped in the default instance folder (beside the
    install) is run even though CASEBOARD_INSTANCE_PATH names another folder."""
    from flask import Flask

    default = Path(Flask("webapp.web.app", instance_relative_config=True).instance_path)
    dropped = default / "caseboard.cfg"
    assert not dropped.exists()
    chosen = tmp_path / "srv-caseboard"
    chosen.mkdir(mode=0o700)
    (chosen / "caseboard.cfg").write_text("CHOSEN_FOLDER = True\n")
    monkeypatch.setenv("CASEBOARD_INSTANCE_PATH", str(chosen))
    default.mkdir(exist_ok=True)
    try:
        dropped.write_text("DROPPED_BY_ATTACKER = True\n")
        app = create_app({"DB": db_path})
    finally:
        dropped.unlink()
    assert app.config.get("CHOSEN_FOLDER") is True
    assert "DROPPED_BY_ATTACKER" not in app.config
    assert app.instance_path == str(chosen.resolve())
    assert (chosen / "secret_key").exists() or app.config.get("SECRET_KEY")
