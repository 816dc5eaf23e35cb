"""Passwords judged by a strength estimator and a breached-password list, not by length
alone (docs/contract.md §17): the weak candidates that were accepted are refused on every
way in (the library, `user add`, the admin page)."""

from __future__ import annotations

import pytest

from webapp.accounts.passwords import breached_passwords, check_password
from webapp.demo.build import DEMO_PASSWORD
from webapp.errors import BadInput

WEAK = [
    " " * 12,
    "bbbbbbbbbbbb",
    "222222222222",
    "Password2026!",
    "Summer2026!!",
    "caseboard-demo",  # the demo's old password, printed for everyone to read
    DEMO_PASSWORD,  # the demo's new one: strong, but published just the same
    "Heron-Marble-Tulip-Canal-2",
    "Winter2027!!!",
    "Liverpool2026",
    "qwertyuiopasdf",
    "1q2w3e4r5t6y",
    "abcdefghijkl",
    "Manager12345!",
    "iloveyou1234",
    "01/01/2000!!",
    "Caseboard2026!",
    "mia.mia.mia.",
]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused(password):
    with pytest.raises(BadInput):
        check_password(password, "mia")


@pytest.mark.parametrize(
    "password",
    ["plum otter harbour lamp", "another good passphrase", "tG7#vq2!Lm9@xR"],
)
def test_strong_passwords_are_accepted(password):
    assert check_password(password, "mia") == password


def test_the_demo_password_is_strong_by_itself_and_its_users_log_in_with_it(tmp_path):
    from zxcvbn import zxcvbn

    from webapp.accounts.users import authenticate
    from webapp.demo.build import add_sample
    from webapp.store.connection import open_store

    assert zxcvbn(DEMO_PASSWORD)["score"] >= 3
    db = open_store(tmp_path / "demo.db", create=True)
    add_sample(db, "http://127.0.0.1:5000")
    assert authenticate(db, "manager", DEMO_PASSWORD) is not None


def test_the_breached_list_is_large():
    assert len(breached_passwords()) > 25_000
    assert {"password", "summer", "iloveyou", "sunshine"} <= breached_passwords()


def test_the_full_name_counts_against_the_password():
    with pytest.raises(BadInput):
        check_password("Okafor Samuel 1", "sam", "Samuel Okafor")


@pytest.mark.parametrize("password", ["Password2026!", "Summer2026!!", " " * 12])
def test_weak_passwords_are_refused_on_the_command_line_and_the_admin_page(
    runner, client_for, store, password
):
    result = runner("user", "add", "samantha", "--role", "manager", "--password-stdin",
                    input=password + "\n")  # fmt: skip
    assert result.exit_code == 2 and "Traceback" not in result.output
    admin = client_for("admin")
    response = admin.post("/admin/users", data={"username": "samantha", "role": "manager",
                                                "password": password})  # fmt: skip
    assert response.status_code == 302
    assert "There is a problem" in admin.get(response.location).get_data(as_text=True)
    assert store["users"].count_where("username = 'samantha'") == 0
