"""A case's whole life from the command line (docs/contract.md §6): changes from a date,
flags and court clocks, closing with views and scaling, transfer, reopening, re-referral."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date, timedelta
from functools import partial

import pytest

from tests.helpers.cli import add_by_cli, ok
from webapp.store.events import family_history

OPENED = date(2025, 1, 6)


def iso(day: date) -> str:
    return day.isoformat()


#: A family opened on OPENED with its review in 2031 (a date given in a test wins).
open_case = partial(add_by_cli, review="2031-01-01", opened=OPENED)


def alerts(runner, on: date, rule: str | None = None) -> list[dict]:
    found = runner.json("alerts", "--date", iso(on))
    return [a for a in found if rule is None or a["rule"] == rule]


def dues(runner, on: date, rule: str) -> set[str]:
    return {a["due"] for a in alerts(runner, on, rule)}


def refused(result, words: str):
    assert result.exit_code == 2, result.output
    assert words in result.output
    return result


def count(db_path: str, sql: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchone()[0]


# -- changes over time ----------------------------------------------------------------------


def test_a_cse_flag_alerts_on_the_day_it_is_added_then_every_ten_weeks_until_removed(runner):
    token = open_case(runner, "--type", "CIN")
    added = date(2025, 3, 3)
    ok(runner("family", "set", token, "--date", iso(added), "--flag", "cse"))
    assert dues(runner, added - timedelta(days=1), "risk-flag") == set()
    assert dues(runner, added, "risk-flag") == {iso(added)}
    assert dues(runner, added + timedelta(weeks=10) - timedelta(days=1), "risk-flag") <= {
        iso(added)
    }
    ten = added + timedelta(weeks=10)
    assert iso(ten) in dues(runner, ten, "risk-flag")
    assert dues(runner, ten, "risk-flag") <= {iso(added), iso(ten)}
    removed = ten + timedelta(weeks=3)
    ok(runner("family", "set", token, "--date", iso(removed), "--unflag", "CSE"))
    for later in (ten + timedelta(weeks=10), ten + timedelta(weeks=30)):
        assert all(d <= iso(removed) for d in dues(runner, later, "risk-flag"))
    assert not any(d > iso(removed) for d in dues(runner, ten + timedelta(weeks=10), "risk-flag"))
    kinds = [e["kind"] for e in family_history(_store(runner), _id(runner, token))]
    assert kinds.count("flag_added") == 1 and kinds.count("flag_removed") == 1
    row = runner.json("family", "show", token)
    assert row["flags"] == []


def test_s31_clock_starts_at_the_proceedings_start(runner):
    token = open_case(runner, "--type", "s.31")
    start = OPENED + timedelta(weeks=20)
    ok(runner("family", "set", token, "--date", iso(start), "--proceedings-start", iso(start)))
    first = start + timedelta(weeks=38)
    # 38 weeks after opening is nothing now; the clock counts from the proceedings start
    assert dues(runner, OPENED + timedelta(weeks=38), "s31-sm") == set()
    assert dues(runner, first - timedelta(days=1), "s31-sm") == set()
    assert dues(runner, first, "s31-sm") == {iso(first)}
    assert runner.json("family", "show", token)["proceedings_start"] == iso(start)


def test_a_change_of_type_starts_that_types_clock(runner):
    token = open_case(runner, "--type", "CIN")
    changed = OPENED + timedelta(weeks=10)
    ok(runner("family", "set", token, "--date", iso(changed), "--type", "s.25"))
    assert dues(runner, OPENED + timedelta(weeks=3), "s25-sm") == set()
    assert dues(runner, changed + timedelta(weeks=3), "s25-sm") == {
        iso(changed + timedelta(weeks=3))
    }


def test_set_changes_worker_codes_and_dates_each_as_a_dated_event(runner):
    token = open_case(runner)
    ok(runner("print", "tiles", token, "--mark-printed"))
    assert count(runner.db_path, "select count(*) from families where tile_printed_at is null") == 0
    on = date(2025, 2, 3)
    ok(
        runner(
            "family", "set", token, "--date", iso(on), "--worker", "Ada Obi",
            "--initials", "TWr jwr", "--s47", "2025-01-10", "--assessment-done", "2025-02-01",
        )
    )  # fmt: skip
    row = runner.json("family", "show", token)
    assert (row["worker"], row["initials"], row["codes"]) == ("Ada Obi", "TWr JWr", ["TWr", "JWr"])
    assert (row["s47"], row["assessment_done"]) == ("2025-01-10", "2025-02-01")
    changes = [
        e for e in family_history(_store(runner), _id(runner, token)) if e["kind"] == "changed"
    ]
    assert {e["detail"]["field"] for e in changes} == {
        "worker",
        "initials",
        "s47",
        "assessment_done",
    }
    assert {e["on_date"] for e in changes} == {iso(on)}
    # the printed tile shows the old codes, so it is due for printing again
    with sqlite3.connect(runner.db_path) as conn:
        printed = conn.execute("select tile_printed_at from families").fetchone()[0]
    assert printed is None


@pytest.mark.parametrize(
    "args, words",
    [
        (["--flag", "Witchcraft"], "unknown flag 'Witchcraft'"),
        (["--unflag", "CSE"], "has no flag CSE"),
        (["--date", "2024-12-31", "--worker", "X"], "before the case opened on 2025-01-06"),
        (["--s47", "2024-01-01"], "before the case opened"),
        (["--initials", "TWr Jw"], "'Jw'"),
        (["--type", "Nope"], "unknown case type"),
        ([], "nothing to change"),
    ],
)
def test_bad_changes_exit_2_and_write_nothing(runner, db_path, args, words):
    token = open_case(runner)
    before = count(db_path, "select count(*) from events")
    refused(runner("family", "set", token, *args), words)
    assert count(db_path, "select count(*) from events") == before
    assert runner.json("family", "show", token)["initials"] == "TWr"


# -- several children on one tile ----------------------------------------------------------


def test_a_tile_holds_one_to_six_codes_and_a_bad_one_is_named(runner):
    token = open_case(runner, initials="TWr jwr KWr")
    [row] = runner.json("family", "list")
    assert (row["token"], row["initials"], row["codes"]) == (
        token,
        "TWr JWr KWr",
        ["TWr", "JWr", "KWr"],
    )
    refused(runner("family", "add", "--initials", "TWr J1r", "--stage", "1", "--review",
                   "2031-01-01"), "'J1r'")  # fmt: skip
    seven = " ".join(["TWr"] * 7)
    refused(runner("family", "add", "--initials", seven, "--stage", "1", "--review",
                   "2031-01-01"), "at most 6")  # fmt: skip


def test_csv_import_takes_codes_proceedings_start_and_s47(runner, tmp_path):
    path = tmp_path / "families.csv"
    path.write_text(
        "initials,stage,review,opened,type,proceedings_start,s47\n"
        '"TWr JWr KWr",2,2031-01-01,2025-01-06,s.31,2025-05-26,2025-01-02\n'
        "ABc,1,2031-01-01,2025-01-06,,,\n".replace("2025-01-02", "2025-01-08")
    )
    ok(runner("family", "import", str(path)))
    rows = {r["initials"]: r for r in runner.json("family", "list")}
    three = rows["TWr JWr KWr"]
    assert three["codes"] == ["TWr", "JWr", "KWr"]
    assert (three["proceedings_start"], three["s47"]) == ("2025-05-26", "2025-01-08")
    assert rows["ABc"]["proceedings_start"] is None
    # the court clock of the imported case counts from its proceedings start
    first = date(2025, 5, 26) + timedelta(weeks=38)
    assert dues(runner, first, "s31-sm") == {iso(first)}


def test_csv_import_names_the_row_of_a_bad_code_or_date(runner, tmp_path, db_path):
    path = tmp_path / "families.csv"
    path.write_text(
        "initials,stage,review,opened,s47\n"
        "TWr,1,2031-01-01,2025-01-06,2025-02-01\n"
        "TWr X,1,2031-01-01,2025-01-06,\n"
        "ABc,1,2031-01-01,2025-01-06,2024-12-01\n"
    )
    result = refused(runner("family", "import", str(path)), "row 3")
    assert "row 4" in result.output and "before the case opened" in result.output
    assert count(db_path, "select count(*) from families") == 0


# -- closing --------------------------------------------------------------------------------


def test_close_asks_for_views_and_scaling_and_keeps_them(runner, db_path):
    token = open_case(runner, "--flag", "MARAC")
    close = ["family", "close", token, "--as", "stepped-down", "--date", "2025-06-02"]
    refused(runner(*close, "--scaling", "7"), "--views")
    refused(runner(*close, "--views", "child"), "--scaling")
    refused(runner(*close, "--views", "child", "--scaling", "11"), "from 0 to 10")
    refused(runner(*close, "--views", "child,neighbour", "--scaling", "5"), "neighbour")
    refused(runner(*close, "--views", ",", "--scaling", "5"), "whose views")
    refused(
        runner(*close[:-1], "2024-01-01", "--views", "child,family,network", "--scaling", "5"),
        "before",
    )
    assert runner.json("family", "show", token)["closed"] is None
    ok(runner(*close, "--views", "network,child,family", "--scaling", "8", "--reason", "plan met"))
    row = runner.json("family", "show", token)
    assert (row["status"], row["closed"], row["closed_as"]) == (
        "closed",
        "2025-06-02",
        "stepped-down",
    )
    [listed] = runner.json("family", "list", "--closed")
    assert (listed["status"], listed["closed_as"]) == ("closed", "stepped-down")
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute(
            "select closed_views, closed_scaling, closed_reason from families"
        ).fetchone()
        flag_end = conn.execute("select removed_on from flags").fetchone()[0]
    assert stored == ("child,family,network", 8, "plan met")
    assert flag_end == "2025-06-02"  # the flags end with the episode


# -- transfer -------------------------------------------------------------------------------


def test_transfer_moves_the_case_with_its_history_and_the_old_team_loses_it(
    runner, other_team, db_path
):
    token = open_case(runner, "--flag", "CSE", "--type", "CIN", "--team", "Team")
    ok(runner("family", "set", token, "--date", "2025-02-03", "--worker", "Ada Obi"))
    refused(runner("family", "transfer", token, "--to-team", "Team"), "already with Team")
    refused(runner("family", "transfer", token, "--to-team", "Nowhere"), "Nowhere")
    before = family_history(_store(runner), _id(runner, token))
    ok(runner("family", "transfer", token, "--to-team", "Elsewhere", "--stage", "4",
              "--date", "2025-03-03"))  # fmt: skip
    assert runner.json("family", "list", "--team", "Team") == []
    [moved] = runner.json("family", "list", "--team", "Elsewhere")
    assert (moved["token"], moved["stage"], moved["team"], moved["flags"]) == (
        token,
        4,
        "Elsewhere",
        ["CSE"],
    )
    after = family_history(_store(runner), _id(runner, token))
    assert after[0]["kind"] == "transferred" and after[0]["on_date"] == "2025-03-03"
    assert [e["id"] for e in after[1:]] == [e["id"] for e in before]  # the whole history
    with sqlite3.connect(db_path) as conn:
        teams = conn.execute(
            """select t.name from audit a join teams t on t.id = a.team_id
               where a.action = 'case.transfer' order by t.name"""
        ).fetchall()
        event_teams = dict(conn.execute("select kind, team_id from events").fetchall())
    assert teams == [("Elsewhere",), ("Team",)]  # both teams' audit logs
    # Contract §12: the sending team keeps its history of the case; the receiving team's
    # starts on the transfer day (this test asserted the old move of every event).
    assert event_teams["created"] != other_team["id"]
    assert event_teams["transferred"] == other_team["id"]
    flagged = OPENED.isoformat()  # the CSE series fired on the opening day
    before_day = runner.json("alerts", "--team", "Team", "--date", "2025-03-02")
    assert [(a["token"], a["due"]) for a in before_day] == [(token, flagged)]
    assert runner.json("alerts", "--team", "Team", "--date", "2025-03-03") == []
    assert runner.json("alerts", "--team", "Elsewhere", "--date", "2025-03-03") == []
    # the flag's series goes on with the receiving team from its next firing
    later = runner.json("alerts", "--team", "Elsewhere", "--date", "2025-03-17")
    assert [(a["token"], a["due"]) for a in later] == [(token, "2025-03-17")]


# -- reopening and re-referral ------------------------------------------------------------


def test_reopened_after_three_years_raises_no_old_alert_and_counts_one_start_again(runner):
    opened = date(2020, 1, 6)
    token = open_case(runner, "--type", "s.25", "--flag", "CSE", opened=opened)
    assert {a["rule"] for a in alerts(runner, date(2020, 12, 28))} >= {"s25-sm", "risk-flag"}
    closed = date(2021, 1, 4)
    ok(runner("family", "close", token, "--as", "closed", "--views", "child,family,network",
              "--scaling", "9", "--date", iso(closed)))  # fmt: skip
    refused(runner("family", "reopen", token, "--date", "2020-12-01", "--review", "2024-02-01"),
            "before the case closed")  # fmt: skip
    back = date(2024, 1, 8)
    refused(runner("family", "reopen", token, "--date", iso(back)), "--review")
    ok(runner("family", "reopen", token, "--date", iso(back), "--review", "2024-02-01"))
    row = runner.json("family", "show", token)
    assert (row["opened"], row["closed"], row["closed_as"], row["flags"]) == (
        iso(back),
        None,
        None,
        [],
    )
    for day in (back, back + timedelta(days=20)):
        assert alerts(runner, day) == []  # nothing from the old episode
    # the new episode's own clock: s.25 first triggers 3 weeks after reopening
    assert dues(runner, back + timedelta(weeks=3), "s25-sm") == {iso(back + timedelta(weeks=3))}
    assert all(a["due"] >= iso(back) for a in alerts(runner, back + timedelta(weeks=30)))
    report = runner.json("report", "drift", "--date", "2024-03-01")
    assert report["summary"]["start_again"] == 1
    [again] = report["reopened"]
    assert (again["token"], again["closed_on"], again["reopened_on"]) == (
        token,
        iso(closed),
        iso(back),
    )
    assert again["days_closed"] == (back - closed).days == 1099
    assert again["within_window"] is False


def test_a_new_family_with_the_ref_of_a_recently_closed_case_is_a_rereferral(runner, db_path):
    old = open_case(runner, "--ref", "CS-1")
    ok(runner("family", "close", old, "--as", "closed", "--views", "child,family,network",
              "--scaling", "6", "--date", "2025-03-03"))  # fmt: skip
    again = open_case(runner, "--ref", "CS-1", opened=date(2026, 2, 2), initials="JWr")
    later = open_case(runner, "--ref", "CS-1", opened=date(2027, 6, 1), initials="KWr")
    with sqlite3.connect(db_path) as conn:
        links = dict(conn.execute("select token, rereferral_of from families").fetchall())
    assert links[again] == _id(runner, old)
    assert links[later] is None  # closed more than 12 months before: not linked
    report = runner.json("report", "drift", "--date", "2026-03-01")
    [counted] = report["rereferrals"]
    assert (counted["token"], counted["earlier"], counted["days_closed"]) == (
        again,
        old,
        (date(2026, 2, 2) - date(2025, 3, 3)).days,
    )
    assert (report["rereferral_months"], report["summary"]["rereferrals"]) == (12, 1)


def test_the_rereferral_window_is_a_team_setting(runner, store, team):
    from webapp.accounts.teams import update_team_settings

    update_team_settings(store, team, rereferral_months=24)
    old = open_case(runner, "--ref", "CS-2")
    ok(runner("family", "close", old, "--as", "closed", "--views", "child,family,network",
              "--scaling", "5",
              "--date", "2025-03-03"))  # fmt: skip
    again = open_case(runner, "--ref", "CS-2", opened=date(2026, 9, 1), initials="JWr")
    [counted] = runner.json("report", "drift", "--date", "2026-10-01")["rereferrals"]
    assert counted["token"] == again


# -- helpers --------------------------------------------------------------------------------


def _store(runner):
    from webapp.store.connection import open_store

    return open_store(runner.db_path)


def _id(runner, token: str) -> int:
    with sqlite3.connect(runner.db_path) as conn:
        return conn.execute("select id from families where token = ?", [token]).fetchone()[0]


def test_the_dip_sample_takes_closed_and_stepped_down_cases_with_their_scaling(runner, tmp_path):
    ended = {}
    for initials, closed_as, scaling in (("ABc", "closed", "9"), ("DEf", "stepped-down", "6")):
        token = open_case(runner, initials=initials)
        ok(runner("family", "close", token, "--as", closed_as, "--views", "child,family,network",
                  "--scaling", scaling, "--date", "2025-06-02"))  # fmt: skip
        ended[token] = (closed_as, int(scaling), "child,family,network")
    dip = runner.json("report", "drift", "--date", "2025-10-01")["dip_sample"]
    assert dip["eligible"] == 2
    assert {c["token"]: (c["closed_as"], c["scaling"], c["views"]) for c in dip["cases"]} == ended
    out = tmp_path / "drift.csv"
    ok(runner("report", "drift", "--date", "2025-10-01", "--out", str(out)))
    rows = csv.DictReader(io.StringIO(out.read_text()))
    found = {
        (r["initials"], r["measure"], r["value"])
        for r in rows
        if r["section"] == "dip_sample" and r["measure"] != "closed"
    }
    assert found == {
        ("ABc", "closed_as", "closed"),
        ("ABc", "scaling_at_closure", "9"),
        ("DEf", "closed_as", "stepped-down"),
        ("DEf", "scaling_at_closure", "6"),
    }


def test_a_manager_alert_of_the_closed_episode_does_not_come_back_on_reopening(runner):
    token = open_case(runner, opened=date(2020, 1, 6))
    ok(runner("alerts", "add", token, "--date", "2020-06-01", "--action", "ask the school"))
    assert [a["key"] for a in alerts(runner, date(2020, 6, 1))] == ["manager:1"]
    ok(runner("family", "close", token, "--as", "stepped-down", "--views", "network",
              "--scaling", "8", "--reason", "the family had moved away",
              "--date", "2020-07-06"))  # fmt: skip
    ok(runner("family", "reopen", token, "--date", "2024-01-08", "--review", "2024-02-01"))
    assert alerts(runner, date(2024, 1, 8)) == []
    ok(runner("alerts", "add", token, "--date", "2024-02-01", "--action", "ask the GP"))
    assert [a["message"] for a in alerts(runner, date(2024, 2, 1))] == ["ask the GP"]
