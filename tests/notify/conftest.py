"""Fixtures for people, notifications and sign-in: a second team and a service manager
who reads both teams."""

from __future__ import annotations

from functools import partial

import pytest
from werkzeug.security import generate_password_hash

import webapp.accounts.users
from tests.helpers import mail_server
from tests.helpers.oidc_provider import Provider
from tests.helpers.web import PASSWORD, Client
from webapp import create_app
from webapp.accounts.teams import ensure_team
from webapp.accounts.users import add_user

CHEAP_HASH = partial(generate_password_hash, method="pbkdf2:sha256:1000")


@pytest.fixture
def add_person(store, team, monkeypatch):
    """``add_person(name, role, email=..., teams=[...])``: a user with a cheap password hash."""
    monkeypatch.setattr(webapp.accounts.users, "generate_password_hash", CHEAP_HASH)

    def make(name, role, *, email=None, teams=("Team",), full_name=None):
        for t in teams:
            ensure_team(store, t)
        return add_user(store, name, role, PASSWORD, teams[0], email=email,
                        teams=list(teams[1:]), full_name=full_name)  # fmt: skip

    return make


@pytest.fixture
def mailbox(monkeypatch):
    """A real SMTP server (aiosmtpd) on a free port, and CASEBOARD_SMTP_* pointing at it
    with a login; ``mailbox.messages`` holds what it accepted."""
    controller, inbox = mail_server.start()
    for name, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(controller.port),
        "SMTP_USER": mail_server.USER,
        "SMTP_PASSWORD": mail_server.PASSWORD,
        "SMTP_STARTTLS": "0",
        "MAIL_FROM": "caseboard@council.example",
    }.items():
        monkeypatch.setenv(f"CASEBOARD_{name}", value)
    monkeypatch.setenv("CASEBOARD_BASE_URL", "https://caseboard.council.example")
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture(scope="module")
def oidc_provider():
    """A real OpenID Connect provider process (Node, oidc-provider) on a free port."""
    provider = Provider()
    yield provider
    provider.stop()


@pytest.fixture
def sso_app(db_path, oidc_provider):
    """The app with council sign-in configured against the running provider."""
    app = create_app({"DB": db_path, "TESTING": True, "WTF_CSRF_ENABLED": False,
                      **oidc_provider.config()})  # fmt: skip
    app.test_client_class = Client
    return app
