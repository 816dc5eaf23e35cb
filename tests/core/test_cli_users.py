"""`caseboard user list`, and `user add` where no one can type a password."""

from __future__ import annotations

import subprocess
import sys


def test_user_list_shows_every_user_without_secrets(runner, users):
    rows = runner.json("user", "list")
    names = [r["username"] for r in rows]
    assert names == sorted(names) and set(names) >= {u["username"] for u in users.values()}
    admin = next(r for r in rows if r["username"] == users["admin"]["username"])
    assert admin["role"] == "admin" and admin["team"] == "Team" and admin["active"] is True
    assert not any("password" in key for r in rows for key in r)
    table = runner("user", "list")
    assert table.exit_code == 0 and table.output.splitlines()[0].split() == [
        "user",
        "role",
        "team",
        "email",
        "active",
    ]


def test_user_add_without_a_terminal_says_to_use_password_stdin(db_path):
    """As from cron or ssh without a terminal: nothing to type into, and nothing on stdin."""
    run = subprocess.run(
        [sys.executable, "-m", "webapp.cli", "user", "add", "zed", "--role", "admin",
         "--db", db_path],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, start_new_session=True,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert "--password-stdin" in run.stderr and "Traceback" not in run.stderr
    assert "GetPassWarning" not in run.stderr


def test_a_password_piped_twice_still_works_and_a_mismatch_is_refused(runner):
    ok = runner("user", "add", "zed", "--role", "admin", input="a long enough password\n" * 2)
    assert ok.exit_code == 0, ok.output
    differ = runner("user", "add", "amy", "--role", "admin", input="one long password\nanother\n")
    assert differ.exit_code == 2 and "differ" in differ.output
