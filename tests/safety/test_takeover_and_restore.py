"""A team's admin cannot take over a user who also belongs to another team; a restore
ends everything issued before it; API tokens end with the account's other credentials
(docs/contract.md §17)."""

from __future__ import annotations

import pytest
from test_sessions import cookies, logged_in, replay

from tests.helpers.web import PASSWORD, AuthActions
from webapp.accounts.users import add_user, authenticate, create_api_token
from webapp.store.backup import backup, restore

NEW = "a brand new passphrase"


@pytest.fixture
def service_manager(store, team, other_team, users):
    """Sam: home team "Team" (whose admin is "admin"), also reads "Elsewhere"."""
    return add_user(store, "sam", "service-manager", PASSWORD, team["name"],
                    teams=[other_team["name"]])  # fmt: skip


@pytest.mark.parametrize("how", ["password", "deactivate"])
def test_team_a_admin_cannot_take_over_a_service_manager_of_team_b(
    client_for, store, service_manager, how
):
    """The attack: Team's admin resets the password of a service manager whose home team
    is Team, logs in as them and reads Elsewhere."""
    admin = client_for("admin")
    url, form = {
        "password": (f"/admin/users/{service_manager['id']}/password", {"password": NEW}),
        "deactivate": (f"/admin/users/{service_manager['id']}/active", {"active": "0"}),
    }[how]
    response = admin.post(url, data=form)
    assert response.status_code == 302
    page = admin.get(response.location).get_data(as_text=True)
    assert "also belongs to Elsewhere" in page
    row = store["users"].get(service_manager["id"])
    assert row["active"] == 1 and row["password_hash"] == service_manager["password_hash"]
    assert authenticate(store, "sam", NEW) is None
    assert authenticate(store, "sam", PASSWORD) is not None


def test_the_admin_of_every_team_of_a_user_may_reset_them(client_for, store, users):
    admin = client_for("admin")
    response = admin.post(f"/admin/users/{users['manager']['id']}/password", data={"password": NEW})
    assert response.status_code == 302
    assert authenticate(store, "manager", NEW) is not None


def test_the_other_teams_admin_cannot_reach_the_user_either(client_for, service_manager, store):
    outsider = client_for("outsider")  # Elsewhere's admin; sam's home team is Team
    response = outsider.post(f"/admin/users/{service_manager['id']}/password",
                             data={"password": NEW})  # fmt: skip
    assert response.status_code == 404
    assert authenticate(store, "sam", PASSWORD) is not None


@pytest.mark.parametrize("how", ["reset", "sign-out", "deactivate"])
def test_api_tokens_end_with_reset_sign_out_and_deactivation(client_for, store, users, how):
    token = create_api_token(store, "practitioner")
    api = client_for("admin").application.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/tiles/NOPE", headers=bearer).status_code == 404  # it works
    admin, user_id = client_for("admin"), users["practitioner"]["id"]
    url, form = {
        "reset": (f"/admin/users/{user_id}/password", {"password": NEW}),
        "deactivate": (f"/admin/users/{user_id}/active", {"active": "0"}),
        "sign-out": (f"/admin/users/{user_id}/sign-out", {}),
    }[how]
    assert admin.post(url, data=form).status_code == 302
    assert api.get("/api/tiles/NOPE", headers=bearer).status_code == 401
    if how == "deactivate":  # reactivating does not revive the old token
        admin.post(f"/admin/users/{user_id}/active", data={"active": "1"})
        assert store["users"].get(user_id)["active"] == 1
        assert api.get("/api/tiles/NOPE", headers=bearer).status_code == 401


def test_after_restore_every_session_cookie_and_token_issued_before_is_refused(
    app, store, users, db_path, tmp_path, runner
):
    """The attack: a session and an API token ended after the backup work again once the
    backup is restored."""
    token = create_api_token(store, "manager")
    client, jar = logged_in(app, "manager")
    saved = tmp_path / "nightly.db"
    backup(db_path, saved)
    AuthActions(client).logout()  # ended after the backup...
    store.execute("update api_tokens set revoked_at = '2026-12-07T00:00:00Z'")
    _later, later_jar = logged_in(app, "manager")  # ...and one issued after it
    restore(saved, db_path)
    bearer = {"Authorization": f"Bearer {token}"}
    fresh = app.test_client()
    assert fresh.get("/api/tiles/NOPE", headers=bearer).status_code == 401
    for cookie_jar in (jar, later_jar):
        for name in ("session", "remember_token"):
            response = replay(app, cookie_jar, name).get("/")
            assert response.status_code == 302 and "/login" in response.location, name
    again = app.test_client()
    assert AuthActions(again).login("manager").status_code == 302  # logging in again works
    assert again.get("/").status_code == 200 and "remember_token" in cookies(again)
    new_token = runner("token", "create", "manager").output.strip()
    assert fresh.get("/api/tiles/NOPE", headers={"Authorization": f"Bearer {new_token}"}
                     ).status_code == 404  # fmt: skip


def test_the_server_resets_a_user_of_several_teams(runner, store, service_manager):
    result = runner("user", "password", "sam", "--password-stdin", input=NEW + "\n")
    assert result.exit_code == 0 and authenticate(store, "sam", NEW) is not None
    weak = runner("user", "password", "sam", "--password-stdin", input="Summer2026!!\n")
    assert weak.exit_code == 2 and "breached" in weak.output


def test_a_calendar_link_stopped_after_the_backup_does_not_work_again(
    app, client_for, store, db_path, tmp_path
):
    import re

    manager = client_for("manager")
    page = manager.post("/me/calendar", follow_redirects=True).get_data(as_text=True)
    link = re.search(r"(/calendar/[\w-]+\.ics)", page).group(1)
    saved = tmp_path / "nightly.db"
    backup(db_path, saved)
    manager.post("/me/calendar/stop")
    restore(saved, db_path)
    assert app.test_client().get(link).status_code == 404
