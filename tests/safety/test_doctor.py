"""`caseboard doctor [--json]` (CONTRACT §14): one line or object per check of a
deployment, exit 1 when any fails; the admin page shows the same checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from webapp.doctor import run_checks


@pytest.fixture
def ready(monkeypatch, tmp_path, runner):
    """A deployment with everything set: mail, an owner-only secret key, a fresh backup."""
    for name in list(__import__("os").environ):
        if name.startswith("CASEBOARD_"):
            monkeypatch.delenv(name)
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "secret_key").write_text("k" * 64)
    (instance / "secret_key").chmod(0o600)
    monkeypatch.setenv("CASEBOARD_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("CASEBOARD_SMTP_HOST", "smtp.council.example")
    monkeypatch.setenv("CASEBOARD_MAIL_FROM", "caseboard@council.example")
    assert runner("backup", "--out", str(tmp_path / "b.db")).exit_code == 0
    return instance


def doctor(runner):
    result = runner("doctor", "--json")
    return result.exit_code, {c["check"]: c for c in json.loads(result.output)}


def test_a_ready_deployment_passes_every_check(runner, ready):
    code, checks = doctor(runner)
    assert code == 0, checks
    assert list(checks) == ["public base URL", "secret key", "mail", "last backup", "free disk"]
    assert all(set(c) == {"check", "ok", "message"} and c["ok"] for c in checks.values())
    text = runner("doctor")
    assert text.exit_code == 0 and text.output.count("\n") == 5
    assert text.output.startswith("ok    public base URL:")


def test_no_base_url_fails_and_says_how(runner, ready, store):
    store.execute("delete from settings where key = 'base_url'")
    code, checks = doctor(runner)
    assert code == 1
    assert checks["public base URL"]["ok"] is False
    assert "caseboard init --base-url" in checks["public base URL"]["message"]
    assert all(c["ok"] for name, c in checks.items() if name != "public base URL")
    assert "FAIL  public base URL" in runner("doctor").output


def test_a_loopback_base_url_fails(runner, ready, monkeypatch):
    monkeypatch.setenv("CASEBOARD_BASE_URL", "http://localhost:5000")
    code, checks = doctor(runner)
    assert code == 1 and "points at this machine only" in checks["public base URL"]["message"]


def test_a_secret_key_readable_by_others_fails(runner, ready):
    (ready / "secret_key").chmod(0o644)
    code, checks = doctor(runner)
    assert code == 1 and "chmod 600" in checks["secret key"]["message"]


def test_mail_unset_fails(runner, ready, monkeypatch):
    monkeypatch.delenv("CASEBOARD_SMTP_HOST")
    code, checks = doctor(runner)
    assert code == 1 and "CASEBOARD_SMTP_HOST" in checks["mail"]["message"]


def test_sign_in_is_checked_only_when_set(runner, ready, monkeypatch):
    monkeypatch.setenv("CASEBOARD_OIDC_ISSUER", "https://login.council.example")
    code, checks = doctor(runner)
    assert code == 1 and "CASEBOARD_OIDC_CLIENT_ID" in checks["sign-in"]["message"]
    monkeypatch.setenv("CASEBOARD_OIDC_CLIENT_ID", "caseboard")
    monkeypatch.setenv("CASEBOARD_OIDC_CLIENT_SECRET", "s3cret")
    code, checks = doctor(runner)
    assert code == 0 and checks["sign-in"]["ok"]


def test_no_backup_or_an_old_one_fails(store, db_path, tmp_path):
    config = {"SECRET_KEY": "x", "SMTP_HOST": "smtp.example", "MAIL_FROM": "cb@example.org"}
    checks = {c["check"]: c for c in run_checks(store, db_path, config, tmp_path)}
    assert not checks["last backup"]["ok"] and "no backup yet" in checks["last backup"]["message"]
    store["settings"].upsert(
        {"key": "last_backup_at", "value": "2026-03-01T02:00:00+00:00"}, pk="key"
    )
    day = datetime(2026, 3, 5, 9, tzinfo=UTC)
    fresh = {c["check"]: c for c in run_checks(store, db_path, config, tmp_path, now=day)}
    assert fresh["last backup"]["ok"] and "4.3 days ago" in fresh["last backup"]["message"]
    later = day + timedelta(days=10)
    old = {c["check"]: c for c in run_checks(store, db_path, config, tmp_path, now=later)}
    assert not old["last backup"]["ok"]


def test_the_admin_page_shows_the_checks(client_for, store):
    store.execute("delete from settings where key = 'base_url'")
    page = client_for("admin").get("/admin/").get_data(as_text=True)
    assert "Deployment checks" in page and "public base URL" in page
    assert "no public base URL is set" in page


def test_the_team_settings_page_says_how_to_set_the_base_url(client_for, store):
    store.execute("delete from settings where key = 'base_url'")
    page = client_for("admin").get("/admin/team").get_data(as_text=True)
    assert "Tiles cannot be printed yet: no public base URL is set" in page
    assert 'aria-describedby="base-url-problem"' in page
