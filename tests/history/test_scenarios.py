"""A record that cannot be rewritten (docs/contract.md §12), through the command line.

Each scenario takes every answer about a day D (alerts, missed reviews, the drift report
as JSON, CSV and PDF, supervision, the agenda), makes changes dated after D, and asks
again: the answers must be the same, byte for byte. Then it checks what the later days
say. Every date is fixed, so these pass on any day they are run.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date, timedelta

from tests.helpers.cli import add_by_cli, ok
from tests.helpers.day_answers import answers, changed
from webapp.values.actor import Actor

TEAM, OTHER = "Team", "Elsewhere"


def alerts(runner, on: str, team: str = TEAM) -> list[dict]:
    return runner.json("alerts", "--team", team, "--date", on)


def drift(runner, on: str, team: str = TEAM) -> dict:
    return runner.json("report", "drift", "--team", team, "--date", on)


def test_removing_a_flag_keeps_its_firings_and_the_missed_review(runner, tmp_path):
    """§12: "Removing a flag ... ends the series from that day on, but firings already made
    stay, open or answered, with their missed marks"."""
    token = add_by_cli(runner, "--review", "2025-12-01", "--type", "CIN", "--flag", "CSE",
                opened="2025-01-06")  # fmt: skip
    days = [date(2025, 1, 31), date(2025, 3, 20), date(2025, 4, 13)]
    before = {d: answers(runner, TEAM, d, tmp_path) for d in days}
    assert [(a["due"], a["missed"]) for a in alerts(runner, "2025-03-20")] == [
        ("2025-01-06", True),  # the January review was missed when March's came
        ("2025-03-17", False),
    ]
    ok(runner("family", "set", token, "--date", "2025-04-14", "--unflag", "CSE"))
    for d in days:
        assert changed(before[d], answers(runner, TEAM, d, tmp_path)) == [], d
    # after the removal the series has ended: its firings stay, the last is never missed
    later = alerts(runner, "2025-09-01")
    assert [(a["due"], a["missed"], a["next_due"]) for a in later] == [
        ("2025-01-06", True, "2025-03-17"),
        ("2025-03-17", False, None),
    ]
    missed = runner.json("alerts", "missed", "--team", TEAM, "--date", "2025-09-01")
    assert missed == [{"rule": "risk-flag", "month": "2025-01", "missed": 1}]


def test_closing_keeps_missed_reviews_and_counts_firings_unanswered_at_closure(runner, tmp_path):
    """§12: "A firing still open when its case closes is counted in the drift report as
    unanswered at closure"."""
    token = add_by_cli(runner, "--review", "2025-12-01", "--type", "s.25", opened="2024-06-03")
    day = date(2025, 1, 15)
    before = answers(runner, TEAM, day, tmp_path)
    missed = json.loads(before["drift"])["summary"]["missed_reviews"]
    assert missed >= 5
    ok(runner("family", "close", token, "--as", "closed", "--views", "child,family,network",
              "--scaling", "7", "--date", "2025-02-03"))  # fmt: skip
    assert changed(before, answers(runner, TEAM, day, tmp_path)) == []
    after = drift(runner, "2025-03-03")
    assert after["summary"]["open"] == 0 and alerts(runner, "2025-03-03") == []
    assert after["summary"]["missed_reviews"] >= missed  # closing rewrites none of them
    # nothing was ever answered, so every firing made was still open when it closed
    unanswered = after["unanswered_at_closure"]
    made = runner.json("alerts", "--team", TEAM, "--date", "2025-02-02")
    assert sorted((u["rule"], u["due"]) for u in unanswered) == sorted(
        (a["rule"], a["due"]) for a in made
    )
    assert {(u["token"], u["ended_on"], u["ended_by"]) for u in unanswered} == {
        (token, "2025-02-03", "closed")
    }
    assert after["summary"]["unanswered_at_closure"] == len(made) >= 6


def test_a_transfer_leaves_the_history_with_the_team_that_held_the_case(
    runner, other_team, tmp_path
):
    """§12: "A transfer leaves the sending team's history of the case ... with the sending
    team for the time it held it; the receiving team's starts on the transfer day, and
    the tile is new on its next agenda"."""
    token = add_by_cli(runner, "--review", "2025-01-20", "--flag", "CSE", "--team", TEAM,
                opened="2025-01-06")  # fmt: skip
    day = date(2025, 3, 7)
    before = {team: answers(runner, team, day, tmp_path) for team in (TEAM, OTHER)}
    sent = json.loads(before[TEAM]["drift"])
    assert sent["overdue"][-1]["overdue"] == 1 and sent["summary"]["open"] == 1
    ok(runner("family", "transfer", token, "--to-team", OTHER, "--stage", "3",
              "--date", "2025-03-10"))  # fmt: skip
    for team in (TEAM, OTHER):
        assert changed(before[team], answers(runner, team, day, tmp_path)) == [], team
    # the sending team's weeks of the case are still its own
    kept = drift(runner, "2025-04-30")
    weeks = {w["week_ending"]: w for w in kept["overdue"]}
    assert weeks["2025-03-05"]["overdue"] == 1 and weeks["2025-04-30"]["open"] == 0
    assert kept["summary"]["open"] == 0 and alerts(runner, "2025-04-30") == []
    # the receiving team has nothing from before the transfer day
    taken = drift(runner, "2025-04-30", OTHER)
    weeks = {w["week_ending"]: w for w in taken["overdue"]}
    assert weeks["2025-03-05"]["open"] == 0 and weeks["2025-03-12"]["open"] == 1
    assert alerts(runner, "2025-03-10", OTHER) == []
    assert [a["due"] for a in alerts(runner, "2025-03-17", OTHER)] == ["2025-03-17"]
    [item] = runner.json("agenda", "--team", OTHER, "--date", "2025-03-13")
    assert item["token"] == token and "new" in item["reasons"]
    assert item["details"]["new"]["transferred"] is True
    assert [s for s in taken["stage_time"] if s["stage"] == 3][0]["max_days"] == 51


def test_supervision_counts_a_case_under_the_worker_allocated_that_month(runner, tmp_path):
    """§12: "Supervision per practitioner for a month counts the cases allocated to them
    in that month, as allocated then"."""
    token = add_by_cli(runner, "--review", "2025-12-01", "--worker", "Sam", opened="2024-12-02")
    ok(runner("discussion", "add", token, "--kind", "one-to-one", "--date", "2025-01-15"))
    day = date(2025, 1, 31)
    before = answers(runner, TEAM, day, tmp_path)
    january = json.loads(before["supervision"])
    assert [(p["worker"], p["status"]) for p in january["practitioners"]] == [("Sam", "met")]
    ok(runner("family", "set", token, "--date", "2025-03-03", "--worker", "Ben"))
    assert changed(before, answers(runner, TEAM, day, tmp_path)) == []
    march = runner.json("supervision", "--month", "2025-03", "--date", "2025-03-31")
    assert [w["worker"] for w in march["workers"]] == ["Ben"]


def test_a_type_change_back_dates_nothing(runner, tmp_path):
    """§12: "A change of type starts the new type's clocks on the day of the change (or at
    a --proceedings-start given with it), never earlier"."""
    token = add_by_cli(runner, "--review", "2025-12-01", "--type", "s.31", opened="2024-03-04")
    day = date(2025, 1, 5)
    before = answers(runner, TEAM, day, tmp_path)
    made = [(a["rule"], a["due"]) for a in json.loads(before["alerts"])]
    assert ("s31-sm", "2024-11-25") in made  # 38 weeks after opening
    ok(runner("family", "set", token, "--date", "2025-01-06", "--type", "s.25",
              "--proceedings-start", "2024-10-07"))  # fmt: skip
    assert changed(before, answers(runner, TEAM, day, tmp_path)) == []
    after = alerts(runner, "2025-02-01")
    assert {(a["rule"], a["due"]) for a in after if a["rule"].startswith("s31")} == set(made)
    s25 = [(a["rule"], a["due"]) for a in after if a["rule"].startswith("s25")]
    # counted from the proceedings start given with it (s25-sm: 3 weeks, then every 5;
    # s25-hop: 15 weeks, then every 5), from the day of the change on: 28 October and
    # 2 December 2024 are never made
    assert s25 == [("s25-sm", "2025-01-06"), ("s25-hop", "2025-01-20")]
    missed = runner.json("alerts", "missed", "--date", "2025-03-31")
    assert all(m["month"] >= "2025-01" for m in missed if m["rule"].startswith("s25"))


def test_a_reopened_case_carries_nothing_from_the_old_episode(runner, tmp_path):
    """§12: "Nothing from the old episode fires, counts as overdue or counts time in stage
    in the new one"."""
    token = add_by_cli(runner, "--review", "2024-02-01", "--type", "s.25", "--flag", "CSE",
                opened="2024-01-08", stage="4")  # fmt: skip
    ok(runner("alerts", "add", token, "--date", "2024-04-01", "--action", "ask the school"))
    ok(runner("family", "close", token, "--as", "closed", "--views", "child,family,network",
              "--scaling", "7", "--date", "2024-06-03"))  # fmt: skip
    day = date(2024, 5, 1)
    before = answers(runner, TEAM, day, tmp_path)
    ok(runner("family", "reopen", token, "--date", "2025-01-06", "--review", "2025-02-03"))
    assert changed(before, answers(runner, TEAM, day, tmp_path)) == []
    assert alerts(runner, "2025-01-06") == []
    first = drift(runner, "2025-01-06")
    assert (first["summary"]["open"], first["summary"]["red"], first["summary"]["stuck"]) == (
        1,
        0,
        0,
    )
    [stage] = [s for s in first["stage_time"] if s["cases"]]
    assert (stage["stage"], stage["max_days"]) == (1, 0)
    [item] = runner.json("agenda", "--date", "2025-01-06")
    assert (item["status"], item["stage"], item["reasons"]) == ("green", 1, ["new"])
    # its own clock: s.25's first review three weeks after reopening
    assert [a["due"] for a in alerts(runner, "2025-01-27")] == ["2025-01-27"]


def test_a_court_clock_may_start_before_registration(runner, db_path, tmp_path):
    """§12: "--proceedings-start may be before the case was registered; firings that fall
    before registration are listed as before caseboard held the case and are never
    counted as missed"."""
    token = add_by_cli(runner, "--review", "2025-12-01", "--type", "s.31", opened="2025-06-02")
    day = date(2025, 6, 1)
    before = answers(runner, TEAM, day, tmp_path)
    ok(runner("family", "set", token, "--date", "2025-06-02",
              "--proceedings-start", "2024-06-03"))  # fmt: skip
    assert changed(before, answers(runner, TEAM, day, tmp_path)) == []
    found = [
        (a["due"], a["before_registration"], a["missed"])
        for a in alerts(runner, "2025-06-09")
        if a["rule"] == "s31-sm"
    ]
    # 38 weeks after the proceedings start, then every 3: the ones before 2 June are listed
    assert found == [
        ("2025-02-24", True, False),
        ("2025-03-17", True, False),
        ("2025-04-07", True, False),
        ("2025-04-28", True, False),
        ("2025-05-19", True, False),
        ("2025-06-09", False, False),
    ]
    # only the firings since registration can be missed: 9 June (by 30 June) and 30 June
    # (by 21 July)
    missed = runner.json("alerts", "missed", "--date", "2025-07-31")
    assert [m for m in missed if m["rule"] == "s31-sm"] == [
        {"rule": "s31-sm", "month": "2025-06", "missed": 2}
    ]
    assert all(m["month"] >= "2025-06" for m in missed)


def test_a_late_entry_shows_both_dates_in_the_access_log(runner, db_path, today):
    """§12: "a change entered late but dated in the past is shown in the access log with
    both dates"."""
    token = add_by_cli(runner, "--review", "2031-01-01", opened="2025-01-06")
    effective = today - timedelta(days=30)
    ok(runner("family", "set", token, "--date", effective.isoformat(), "--worker", "Ada Obi"))
    with sqlite3.connect(db_path) as conn:
        [detail] = [
            json.loads(r[0])
            for r in conn.execute("select detail from audit where action = 'case.change'")
        ]
    assert (detail["effective_date"], detail["entered_on"]) == (
        effective.isoformat(),
        today.isoformat(),
    )
    assert detail["worker"] == "Ada Obi"


def test_the_pages_of_a_day_read_the_same_after_later_changes(client_for, store, team):
    """§12: the same holds for "the pages that show them"."""
    from tests.helpers.web import flatten, text
    from webapp.cases.families import add_family, get_family_row
    from webapp.cases.lifecycle import close_case, set_case

    view = add_family(store, team, initials="TWr", stage=2, review="2025-02-03",
                      opened=date(2025, 1, 6), case_type="s.25", flags=["CSE"],
                      worker="Sam", actor=Actor.cli())  # fmt: skip
    client = client_for("manager")
    pages = ("/alerts?date=2025-03-20", "/reports/drift?date=2025-03-20",
             "/agenda?date=2025-03-20", "/supervision?month=2025-03")  # fmt: skip

    def read() -> dict[str, str]:
        found = {}
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            # the answer, without the forms for acting today (their pickers list the
            # cases open now)
            found[page] = flatten(re.sub(r"(?s)<form.*?</form>", "", text(response)))
        return found

    before = read()
    assert "TWr" in before["/agenda?date=2025-03-20"]
    row = get_family_row(store, view["token"])
    row = set_case(store, row, team, on="2025-04-07", unflags=["CSE"], case_type="s.31",
                   worker="Ben", actor=Actor.cli())  # fmt: skip
    close_case(
        store,
        row,
        team,
        on="2025-05-05",
        views="child,family,network",
        scaling=6,
        actor=Actor.cli(),
    )
    assert read() == before
