"""Supervision cadence: monthly coverage at month ends, record deadlines."""

from datetime import date

import pytest

from webapp.cases.families import get_family_row
from webapp.cases.lifecycle import close_case
from webapp.errors import BadInput
from webapp.practice.supervision import (
    LATE,
    OVERDUE,
    RECORDED,
    WAITING,
    add_discussion,
    coverage,
    discussions,
    flagged_records,
    mark_recorded,
)
from webapp.store import events
from webapp.values.actor import Actor


def missing(store, team, year, month, as_of=None):
    return {m["initials"] for m in coverage(store, team, year, month, as_of)["missing"]}


def test_discussion_on_the_31st_covers_january_not_february(store, team, add):
    a = add(initials="AAa", worker="Ann", opened=date(2023, 6, 1))
    add(initials="BBb", worker="Ben", opened=date(2023, 6, 1))
    add_discussion(
        store, team, a["token"], on=date(2024, 1, 31), kind="one-to-one", actor=Actor.cli()
    )
    assert missing(store, team, 2024, 1) == {"BBb"}
    assert missing(store, team, 2024, 2) == {"AAa", "BBb"}
    add_discussion(store, team, a["token"], on=date(2024, 2, 1), kind="group", actor=Actor.cli())
    assert missing(store, team, 2024, 2) == {"AAa", "BBb"}  # group does not count
    add_discussion(
        store, team, a["token"], on=date(2024, 2, 1), kind="one-to-one", actor=Actor.cli()
    )
    assert missing(store, team, 2024, 2) == {"BBb"}


def test_leap_day_and_as_of_dates(store, team, add):
    a = add(initials="AAa", opened=date(2023, 6, 1))
    add_discussion(
        store, team, a["token"], on=date(2024, 2, 29), kind="one-to-one", actor=Actor.cli()
    )
    assert missing(store, team, 2024, 2) == set()
    # looking from 28 February, the 29th has not happened yet
    assert missing(store, team, 2024, 2, as_of=date(2024, 2, 28)) == {"AAa"}
    report = coverage(store, team, 2024, 2, as_of=date(2024, 2, 28))
    assert report["to"] == "2024-02-28" and report["cases"] == 1 and report["percent"] == 0


def test_which_cases_count_in_a_month(store, team, add):
    """A case counts in a month when it was held open on one of its working days, up to
    the day before it closed (see tests/rules/test_policy_supervision.py)."""
    add(initials="NEw", opened=date(2024, 3, 28))  # the last working day (Good Friday next)
    add(initials="SUn", opened=date(2024, 3, 31))  # opened on Sunday the 31st: does not
    add(initials="LAt", opened=date(2024, 4, 1))  # opened next month: does not
    gone = add(initials="GOn", opened=date(2023, 1, 1))
    close_case(
        store,
        get_family_row(store, gone["token"]),
        team,
        on=date(2024, 2, 29),
        views="child,family,network",
        scaling=5,
        actor=Actor.cli(),
    )
    left = add(initials="LEf", opened=date(2023, 1, 1))
    close_case(
        store,
        get_family_row(store, left["token"]),
        team,
        on=date(2024, 3, 2),  # held on Friday 1 March
        views="child,family,network",
        scaling=5,
        actor=Actor.cli(),
    )
    assert missing(store, team, 2024, 3) == {"NEw", "LEf"}


def test_coverage_per_practitioner(store, team, add):
    add(initials="AAa", worker="Ann")
    b = add(initials="ABb", worker="Ann")
    add(initials="BBb", worker="Ben")
    add(initials="UUu")
    add_discussion(
        store, team, b["token"], on=date(2024, 5, 10), kind="one-to-one", actor=Actor.cli()
    )
    report = coverage(store, team, 2024, 5)
    by = {w["worker"]: w for w in report["workers"]}
    assert (by["Ann"]["cases"], by["Ann"]["discussed"]) == (2, 1)
    assert [m["initials"] for m in by["Ann"]["missing"]] == ["AAa"]
    assert by["(unallocated)"]["cases"] == 1
    assert (report["cases"], report["discussed"], report["percent"]) == (4, 1, 25)


def test_weekly_meeting_outcomes_are_listed_but_do_not_count(store, team, add):
    a = add(initials="AAa")
    store["events"].insert(
        {
            "team_id": team["id"],
            "family_id": a["id"],
            "at": "2024-05-14T10:00:00+00:00",
            "on_date": "2024-05-14",
            "kind": events.OUTCOME,
            "detail": "{}",
        }
    )
    assert missing(store, team, 2024, 5) == {"AAa"}
    [item] = coverage(store, team, 2024, 5)["missing"]
    assert item["other_kinds"] == ["weekly meeting"]


def test_record_due_five_working_days_or_24_hours(store, team, add):
    a = add()
    # Thursday 19 Dec 2024: five working days are 20, 23, 24, 27 and 30 December
    d = add_discussion(
        store, team, a["token"], on=date(2024, 12, 19), kind="one-to-one", actor=Actor.cli()
    )
    sig = add_discussion(
        store,
        team,
        a["token"],
        on=date(2024, 12, 19),
        kind="situational",
        significant=True,
        actor=Actor.cli(),
    )

    def status(on):
        return {
            r["id"]: (r["record_due"], r["record_status"])
            for r in discussions(store, team, start=date(2024, 12, 1), end=on, today=on)
        }

    assert status(date(2024, 12, 20)) == {
        d["id"]: ("2024-12-30", WAITING),
        sig["id"]: ("2024-12-20", WAITING),
    }
    assert status(date(2024, 12, 21))[sig["id"]] == ("2024-12-20", OVERDUE)
    assert status(date(2024, 12, 30))[d["id"]] == ("2024-12-30", WAITING)
    assert status(date(2024, 12, 31))[d["id"]] == ("2024-12-30", OVERDUE)
    mark_recorded(store, team, d["id"], date(2024, 12, 30))
    mark_recorded(store, team, sig["id"], date(2024, 12, 23))
    assert status(date(2025, 1, 5)) == {
        d["id"]: ("2024-12-30", RECORDED),
        sig["id"]: ("2024-12-20", LATE),
    }
    assert [r["id"] for r in flagged_records(store, team, date(2025, 1, 5))] == [sig["id"]]


def test_bad_discussion_input(store, team, add):
    a = add()
    with pytest.raises(BadInput):
        add_discussion(store, team, a["token"], on=date(2024, 1, 1), kind="chat", actor=Actor.cli())
    with pytest.raises(BadInput):
        add_discussion(
            store,
            team,
            a["token"],
            on=date(2024, 1, 2),
            kind="group",
            recorded_on="2024-01-01",
            actor=Actor.cli(),
        )


def test_cli_supervision(runner):
    token = runner(
        "family",
        "add",
        "--initials",
        "TWr",
        "--stage",
        "2",
        "--review",
        "2030-01-01",
        "--opened",
        "2024-01-01",
        "--worker",
        "Ann",
    ).output.strip()
    report = runner.json("supervision", "--month", "2024-03", "--date", "2024-03-31")
    assert report["missing"][0]["token"] == token
    added = runner(
        "discussion", "add", token, "--kind", "1:1", "--date", "2024-03-31", "--who", "Ann, TM"
    )
    assert added.exit_code == 0, added.output
    report = runner.json("supervision", "--month", "2024-03", "--date", "2024-04-02")
    assert report["missing"] == [] and report["percent"] == 100
    [flagged] = runner.json("discussion", "list", "--flagged", "--date", "2024-04-15")
    assert flagged["record_status"] == "overdue" and flagged["record_due"] == "2024-04-08"
    assert (
        runner("discussion", "recorded", str(flagged["id"]), "--date", "2024-04-05").exit_code == 0
    )
    assert runner.json("discussion", "list", "--flagged", "--date", "2024-04-15") == []
    assert runner("supervision", "--month", "2024-13").exit_code == 2
    assert runner("discussion", "add", token, "--kind", "gossip").exit_code == 2
