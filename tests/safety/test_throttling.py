"""Failed log-ins throttled in a way that holds under parallel requests and that an
attacker cannot turn against the real user (docs/contract.md §17)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import webapp.accounts.users as users_module
from tests.helpers.web import PASSWORD, AuthActions, running_server
from webapp.accounts.users import add_user

REAL = "plum otter harbour lamp"


@pytest.fixture
def mia(store, team):
    """A user with a real (scrypt) password hash: each check takes as long as in use."""
    return add_user(store, "mia", "manager", REAL, team["name"])


@pytest.fixture
def checks(monkeypatch):
    """Counts the password checks really made (the real check still runs)."""
    made, lock, real = [], threading.Lock(), users_module.check_password_hash

    def counted(stored, password):
        with lock:
            made.append(password)
        return real(stored, password)

    monkeypatch.setattr(users_module, "check_password_hash", counted)
    return made


def attempt(base, username, password):
    data = {"username": username, "password": password}
    return requests.post(f"{base}/login", data=data, allow_redirects=False, timeout=60)


def test_forty_parallel_wrong_passwords_get_at_most_the_limit_of_checks(app, mia, checks):
    """The attack: 40 wrong passwords at once got 18 real checks with a limit of 5."""
    limit = app.config["LOGIN_ATTEMPTS"]
    with running_server(app, threads=8) as base, ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(lambda n: attempt(base, "mia", f"guess number {n}"), range(40)))
    codes = sorted(a.status_code for a in answers)
    assert codes.count(401) <= limit and set(codes) <= {401, 429}
    assert len(checks) <= limit, len(checks)


def test_wrong_passwords_from_anywhere_cannot_lock_the_user_out_of_their_own_browser(
    app, mia, store
):
    """The attack: 10 wrong passwords from any addresses locked the real user out."""
    browser = app.test_client()
    assert AuthActions(browser).login("mia", REAL).status_code == 302  # last week
    AuthActions(browser).logout()
    attacker = app.test_client()
    for n in range(3 * app.config["LOGIN_USER_ATTEMPTS"]):
        AuthActions(attacker).login(
            "mia", f"guess {n}", environ_base={"REMOTE_ADDR": f"203.0.113.{n}"}
        )
    stranger = AuthActions(app.test_client()).login(
        "mia", REAL, environ_base={"REMOTE_ADDR": "198.51.100.7"}
    )
    assert stranger.status_code == 429  # a new client is still held back
    home = AuthActions(browser).login("mia", REAL, environ_base={"REMOTE_ADDR": "192.0.2.50"})
    assert home.status_code == 302  # the user's own browser, even from a new address


@pytest.mark.slow
def test_made_up_names_do_not_lock_an_office_out(app, users, mia):
    """The attack: 30 failures with made-up names locked out an office's shared address."""
    office = {"REMOTE_ADDR": "10.20.30.40"}
    colleague = app.test_client()
    assert AuthActions(colleague).login("mia", REAL, environ_base=office).status_code == 302
    AuthActions(colleague).logout()
    attacker = app.test_client()
    for n in range(app.config["LOGIN_ADDRESS_ATTEMPTS"] + 5):
        AuthActions(attacker).login(f"madeup{n}", "Summer2026!!x", environ_base=office)
    assert AuthActions(attacker).login("manager", environ_base=office).status_code == 429
    fresh_browser = app.test_client()  # mia has logged in from this office before
    assert AuthActions(fresh_browser).login("mia", REAL, environ_base=office).status_code == 302


def test_head_on_login_is_not_a_failure(client, store, users):
    for _ in range(20):
        assert client.head("/login").status_code == 200
    assert store["login_failures"].count == 0
    assert store["audit"].count_where("action like 'login%'") == 0
    assert AuthActions(client).login("manager").status_code == 302


@pytest.mark.slow
def test_an_anonymous_client_cannot_add_unbounded_access_log_rows(app, store, users):
    """The attack: an anonymous client added 416 access-log rows a second."""
    client = app.test_client()
    for n in range(300):
        name = "manager" if n % 2 else f"nobody{n}"
        AuthActions(client).login(name, "wrong wrong wrong")
    rows = store["audit"].count_where("action like 'login%'")
    assert rows <= app.config["LOGIN_ADDRESS_ATTEMPTS"] + 2, rows


def test_the_password_is_right_after_the_count_was_full_elsewhere(app, users):
    """A successful log-in gives its place back: logging in and out many times never
    fills a count."""
    client = app.test_client()
    for _ in range(3 * app.config["LOGIN_ATTEMPTS"]):
        assert AuthActions(client).login("manager", PASSWORD).status_code == 302
        AuthActions(client).logout()
