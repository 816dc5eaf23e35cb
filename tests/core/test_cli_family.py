"""`caseboard init/family/user/token` through the real click entry point."""

import json
import sqlite3
from datetime import timedelta

import pytest

from tilegen.domain import today
from tilegen.payload import is_token

TODAY = today()


def iso(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def family_count(db_path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select count(*) from families").fetchone()[0]


def test_init_twice_is_safe(runner):
    assert runner("init").exit_code == 0
    result = runner("init", "--team", "Team")
    assert result.exit_code == 0
    assert "1 team" in result.output


def test_add_and_list_give_contract_fields(runner):
    added = runner.json("family", "add", "--initials", "twr", "--stage", "3", "--review", iso(9))
    assert is_token(added["token"])
    assert added["initials"] == "TWr"
    listed = runner.json("family", "list")
    assert len(listed) == 1
    row = listed[0]
    for key in ("token", "initials", "stage", "zone", "next_review", "status"):
        assert key in row
    assert row == {**row, "token": added["token"], "stage": 3, "zone": None, "status": "amber"}
    assert row["next_review"] == iso(9)


def test_plain_add_prints_only_the_token(runner):
    result = runner("family", "add", "--initials", "ABc", "--stage", "1", "--review", iso(30))
    assert result.exit_code == 0
    assert is_token(result.output.strip())


@pytest.mark.parametrize(
    ("days", "status"), [(-1, "red"), (0, "amber"), (14, "amber"), (15, "green")]
)
def test_listed_status_at_boundaries(runner, days, status):
    runner("family", "add", "--initials", "TWr", "--stage", "1", "--review", iso(days))
    assert runner.json("family", "list")[0]["status"] == status


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stage", "7", "--review", "2027-01-10"], "stage must be a number from 1 to 6"),
        (["--stage", "2", "--review", "2027-02-30"], "real date"),
        (["--stage", "2", "--review", "soon"], "real date"),
        (["--stage", "2", "--review", "2027-01-10", "--type", "s.99"], "unknown case type"),
        (["--stage", "2", "--review", "2027-01-10", "--flag", "nope"], "unknown flag"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(runner, db_path, args, message):
    result = runner("family", "add", "--initials", "TWr", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert family_count(db_path) == 0


def test_bad_initials_exit_2(runner, db_path):
    result = runner("family", "add", "--initials", "Thomas", "--stage", "1", "--review", iso(3))
    assert result.exit_code == 2
    assert "three letters" in result.output
    assert family_count(db_path) == 0


def test_type_flags_and_opened_are_stored(runner):
    added = runner.json(
        "family", "add", "--initials", "TWr", "--stage", "4", "--review", iso(20),
        "--opened", "2026-01-05", "--type", "S.31", "--flag", "cse", "--flag", "MARAC",
    )  # fmt: skip
    assert added["case_type"] == "s.31"
    assert added["flags"] == ["CSE", "MARAC"]
    assert added["opened"] == "2026-01-05"


def test_missing_store_is_a_clear_error(runner, tmp_path):
    result = runner.on(tmp_path / "none.db")("family", "list")
    assert result.exit_code == 2
    assert "caseboard init" in result.output


def families_csv(tmp_path, lines):
    path = tmp_path / "families.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_csv_import_of_50_rows(runner, tmp_path, db_path):
    lines = ["initials,stage,review,ref,worker"]
    lines += [f"T{chr(65 + i % 26)}x,{i % 6 + 1},{iso(i - 10)},REF{i},Sam" for i in range(50)]
    result = runner("family", "import", families_csv(tmp_path, lines))
    assert result.exit_code == 0, result.output
    assert "imported 50" in result.output
    listed = runner.json("family", "list")
    assert len(listed) == 50
    assert {r["stage"] for r in listed} == {1, 2, 3, 4, 5, 6}
    assert len({r["token"] for r in listed}) == 50


def test_csv_with_one_bad_row_imports_nothing_and_names_the_row(runner, tmp_path, db_path):
    lines = ["initials,stage,review", f"TWr,1,{iso(3)}", f"ABc,9,{iso(3)}", f"DEf,2,{iso(3)}"]
    result = runner("family", "import", families_csv(tmp_path, lines))
    assert result.exit_code == 2
    assert "row 3" in result.output
    assert "stage" in result.output
    assert family_count(db_path) == 0


def test_csv_missing_column_is_rejected(runner, tmp_path, db_path):
    result = runner("family", "import", families_csv(tmp_path, ["initials,stage", "TWr,1"]))
    assert result.exit_code == 2
    assert "review" in result.output
    assert family_count(db_path) == 0


def test_csv_optional_columns(runner, tmp_path):
    lines = [
        "initials,stage,review,team,opened,type,flags",
        f"TWr,1,{iso(3)},Team,2026-02-01,16.4,CSE|MARAC",
    ]
    assert runner("family", "import", families_csv(tmp_path, lines)).exit_code == 0
    row = runner.json("family", "list")[0]
    assert (row["case_type"], row["flags"], row["opened"]) == (
        "16.4",
        ["CSE", "MARAC"],
        "2026-02-01",
    )


def test_close_and_reopen(runner):
    token = runner.json("family", "add", "--initials", "TWr", "--stage", "6", "--review", iso(3))[
        "token"
    ]
    assert runner("family", "close", token, "--as", "closed").exit_code == 2  # no views
    close = (
        "family",
        "close",
        token,
        "--as",
        "closed",
        "--views",
        "child,family,network",
        "--scaling",
        "6",
    )
    assert runner(*close).exit_code == 0
    assert runner.json("family", "list") == []
    closed = runner.json("family", "list", "--closed")
    assert (closed[0]["status"], closed[0]["closed_as"]) == ("closed", "closed")
    again = runner(*close)
    assert again.exit_code == 2 and "already closed" in again.output
    assert runner("family", "reopen", token).exit_code == 2  # the new review date is required
    assert runner("family", "reopen", token, "--review", iso(3)).exit_code == 0
    [again] = runner.json("family", "list")
    assert (again["status"], again["stage"]) == ("amber", 1)  # a new episode starts on stage 1


def test_user_and_api_token(runner, db_path):
    result = runner(
        "user", "add", "mia", "--role", "manager", "--password-stdin", input="s3cret-pass-for-mia\n"
    )
    assert result.exit_code == 0, result.output
    token = runner("token", "create", "mia").output.strip()
    assert token.startswith("cb_") and len(token) > 30
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute("select token_hash from api_tokens").fetchone()[0]
    assert token not in stored
    dup = runner(
        "user",
        "add",
        "mia",
        "--role",
        "manager",
        "--password-stdin",
        input="another-pass-for-mia\n",
    )
    assert dup.exit_code == 2
    bad_role = runner("user", "add", "zed", "--role", "boss", "--password-stdin", input="x" * 9)
    assert bad_role.exit_code == 2
    short = runner("user", "add", "zed", "--role", "admin", "--password-stdin", input="short\n")
    assert short.exit_code == 2 and "at least 12" in short.output


def test_several_teams_need_team_option(runner):
    runner("init", "--team", "North")
    result = runner("family", "add", "--initials", "TWr", "--stage", "1", "--review", iso(3))
    assert result.exit_code == 2 and "--team" in result.output
    ok = runner(
        "family", "add", "--initials", "TWr", "--stage", "1", "--review", iso(3), "--team", "North"
    )
    assert ok.exit_code == 0
    assert (
        json.loads(runner("family", "list", "--team", "North", "--json").output)[0]["team"]
        == "North"
    )
    unknown = runner("family", "list", "--team", "South")
    assert unknown.exit_code == 2 and "no team called" in unknown.output
