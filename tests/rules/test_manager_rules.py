"""Rules a manager can rely on (docs/contract.md §7), at their exact boundaries: only a
formal one-to-one counts, no firing is hidden by the next, the core assessment counts
from the s.47 date, and the clinic is one calendar for the service."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.helpers.cli import add_by_cli
from webapp.accounts.teams import ensure_team, team_today
from webapp.cases.families import add_family, get_family_row
from webapp.cases.lifecycle import close_case, reopen_case, set_case
from webapp.practice.clinic import set_service
from webapp.rules.alerts import open_alert_firings, open_alerts
from webapp.values.actor import Actor

WEEK = timedelta(weeks=1)
DAY = timedelta(days=1)


# -- supervision (Islington policy) ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["group", "weekly meeting", "clinic", "situational"])
def test_only_a_one_to_one_counts_for_the_month(runner, kind):
    token = add_by_cli(
        runner, "--initials", "TWr", "--stage", "2", "--opened", "2024-01-01", "--worker", "Ann"
    )
    assert runner("discussion", "add", token, "--kind", kind, "--date", "2024-03-05").exit_code == 0
    report = runner.json("supervision", "--month", "2024-03", "--date", "2024-03-31")
    assert (report["cases"], report["discussed"], report["percent"]) == (1, 0, 0)
    assert [m["token"] for m in report["missing"]] == [token]
    assert report["missing"][0]["other_kinds"] == [kind]  # listed, never counted
    assert set(report) >= {"cases", "discussed", "percent", "missing", "workers"}
    listed = runner.json("discussion", "list", "--month", "2024-03", "--date", "2024-03-31")
    assert [(d["kind"], d["counts"]) for d in listed] == [(kind, False)]
    # the one-to-one on the month's last day covers it
    assert (
        runner("discussion", "add", token, "--kind", "one-to-one", "--date", "2024-03-31").exit_code
        == 0
    )
    report = runner.json("supervision", "--month", "2024-03", "--date", "2024-03-31")
    assert (report["discussed"], report["percent"], report["missing"]) == (1, 100, [])
    # ... and not April, nor from April 1st
    april = runner.json("supervision", "--month", "2024-04", "--date", "2024-04-30")
    assert april["percent"] == 0


def test_each_practitioner_checked_against_their_frequency_and_leave(runner):
    ann = add_by_cli(
        runner, "--initials", "AAa", "--stage", "2", "--opened", "2024-01-01", "--worker", "Ann"
    )
    add_by_cli(
        runner, "--initials", "BBb", "--stage", "2", "--opened", "2024-01-01", "--worker", "Ben"
    )
    cat = add_by_cli(
        runner, "--initials", "CCc", "--stage", "2", "--opened", "2024-01-01", "--worker", "Cat"
    )
    assert runner("supervision", "frequency", "Ann", "fortnightly", "--note", "ASYE").exit_code == 0
    assert runner("supervision", "leave", "Ben", "--month", "2024-03").exit_code == 0
    runner("discussion", "add", ann, "--kind", "one-to-one", "--date", "2024-03-04")
    runner("discussion", "add", cat, "--kind", "one-to-one", "--date", "2024-03-04")

    def check(on):
        report = runner.json("supervision", "--month", "2024-03", "--date", on)
        return {
            p["worker"]: (p["frequency"], len(p["sessions"]), p["status"])
            for p in report["practitioners"]
        }

    assert check("2024-03-30") == {
        "Ann": ("fortnightly", 1, "not yet"),
        "Ben": ("monthly", 0, "on leave"),
        "Cat": ("monthly", 1, "met"),
    }
    assert check("2024-03-31")["Ann"] == ("fortnightly", 1, "missed")
    runner("discussion", "add", ann, "--kind", "one-to-one", "--date", "2024-03-18")
    assert check("2024-03-31")["Ann"] == ("fortnightly", 2, "met")
    assert runner("supervision", "frequency", "Ann", "weekly").exit_code == 2
    text = runner("supervision", "--month", "2024-03", "--date", "2024-03-31").output
    assert "on leave" in text and "Ben" in text


def test_a_significant_decision_on_a_friday_is_due_on_the_saturday(runner):
    token = add_by_cli(runner, "--initials", "TWr", "--stage", "2", "--opened", "2024-01-01")
    runner(
        "discussion", "add", token, "--kind", "one-to-one", "--date", "2024-03-08", "--significant"
    )
    [d] = runner.json("discussion", "list", "--month", "2024-03", "--date", "2024-03-09")
    assert (d["record_due"], d["record_due_day"], d["record_due_weekend"]) == (
        "2024-03-09",
        "Saturday",
        True,
    )
    assert d["record_status"] == "waiting"
    table = runner("discussion", "list", "--month", "2024-03", "--date", "2024-03-09").output
    assert "Sat 2024-03-09" in table


# -- alerts: every firing, missed reviews ---------------------------------------------------


def test_unanswered_38_week_s31_alert_is_still_listed_and_missed_after_the_41_week_firing(
    runner, store
):
    opened = date(2025, 1, 6)
    at38, at41 = opened + 38 * WEEK, opened + 41 * WEEK
    token = add_by_cli(
        runner,
        "--initials",
        "TWr",
        "--stage",
        "4",
        "--opened",
        opened.isoformat(),
        "--type",
        "s.31",
    )

    def listed(on):
        return [
            (a["key"], a["due"], a["missed"])
            for a in runner.json("alerts", "--date", on.isoformat())
            if a["token"] == token
        ]

    assert listed(at38 - DAY) == []
    assert listed(at38) == [("s31-sm", at38.isoformat(), False)]
    assert listed(at41 - DAY) == [("s31-sm", at38.isoformat(), False)]
    assert listed(at41) == [
        ("s31-sm", at38.isoformat(), True),
        ("s31-sm", at41.isoformat(), False),
    ]
    store.execute("update families set created_at = ?", [opened.isoformat()])
    store.conn.commit()
    [item] = [i for i in runner.json("agenda", "--date", at41.isoformat()) if i["token"] == token]
    assert item["reason"] == "alert" and [a["missed"] for a in item["details"]["alert"]] == [
        True,
        False,
    ]
    assert "(missed)" in item["summary"]
    # answering the 41-week firing leaves the 38-week one open, still missed
    done = runner(
        "alerts",
        "follow-up",
        token,
        "s31-sm",
        "--due",
        at41.isoformat(),
        "--date",
        at41.isoformat(),
    )
    assert done.exit_code == 0, done.output
    assert listed(at41) == [("s31-sm", at38.isoformat(), True)]
    # the missed review is counted per rule and month, and stays counted once answered
    missed = runner.json("alerts", "missed", "--date", at41.isoformat())
    assert missed == [{"rule": "s31-sm", "month": at38.strftime("%Y-%m"), "missed": 1}]
    assert runner("alerts", "follow-up", token, "s31-sm", "--date", at41.isoformat()).exit_code == 0
    assert listed(at41) == []
    report = runner.json("report", "drift", "--date", at41.isoformat(), "--weeks", "8")
    assert report["missed_reviews"] == missed
    assert report["summary"]["missed_reviews"] == 1
    pdf_path = Path(runner.db_path).parent / "drift.pdf"
    out = runner(
        "report", "drift", "--date", at41.isoformat(), "--weeks", "8", "--out", str(pdf_path)
    )
    assert out.exit_code == 0, out.output
    pdf = pdfium.PdfDocument(str(pdf_path))
    pdf_text = "".join(page.get_textpage().get_text_range() for page in pdf)
    assert "Missed reviews (1)" in pdf_text and "s31-sm" in pdf_text
    pdf.close()
    # a firing answered before the next one came is not missed
    assert runner.json("alerts", "missed", "--date", (at41 - DAY).isoformat()) == []


def test_follow_up_names_its_firing(runner):
    opened = date(2025, 1, 6)
    at41 = opened + 41 * WEEK
    token = add_by_cli(
        runner,
        "--initials",
        "TWr",
        "--stage",
        "4",
        "--opened",
        opened.isoformat(),
        "--type",
        "s.31",
    )
    wrong = runner(
        "alerts", "follow-up", token, "s31-sm", "--due", "2025-01-07", "--date", at41.isoformat()
    )
    assert wrong.exit_code == 2 and "no open alert s31-sm due 2025-01-07" in wrong.output


def test_open_alert_firings_across_teams_for_notifications(store, team, other_team):
    today = team_today(team)
    for t in (team, other_team):
        add_family(
            store,
            t,
            initials="TWr",
            stage=3,
            review="2030-01-01",
            opened=today - 41 * WEEK,
            case_type="s.31",
            actor=Actor.cli(),
        )
    found = open_alert_firings(store, today)
    assert {(a["team"], a["rule"], a["due"], a["role"], a["missed"]) for a in found} == {
        (name, "s31-sm", due.isoformat(), "service manager", missed)
        for name in ("Team", "Elsewhere")
        for due, missed in ((today - 3 * WEEK, True), (today, False))
    }
    assert all({"team_id", "token", "initials", "key"} <= set(a) for a in found)


def test_reopened_case_starts_its_alerts_afresh(store, team):
    today = team_today(team)
    fam = add_family(
        store,
        team,
        initials="TWr",
        stage=3,
        review="2030-01-01",
        opened=today - 41 * WEEK,
        case_type="s.31",
        actor=Actor.cli(),
    )
    assert len(open_alerts(store, team, today)) == 2
    # a new episode: nothing old fires again
    row = get_family_row(store, fam["token"])
    row = close_case(store, row, team, views="child,family,network", scaling=8,
                     on=today - 3 * WEEK, actor=Actor.cli())  # fmt: skip
    reopen_case(store, row, team, review="2030-01-01", on=today - 2 * WEEK, actor=Actor.cli())
    assert open_alerts(store, team, today) == []


# -- core assessment (Kent audit) -----------------------------------------------------------


def test_stage_1_case_with_no_s47_date_has_no_core_assessment_alert(store, team, runner):
    fam = add_family(
        store,
        team,
        initials="TWr",
        stage=1,
        review="2030-01-01",
        opened=date(2024, 12, 1),
        actor=Actor.cli(),
    )
    assert [
        a for a in open_alerts(store, team, date(2025, 6, 1)) if a["rule"] == "core-assessment"
    ] == []
    # with an s.47 date: due 42 working days later, exactly
    set_case(
        store,
        get_family_row(store, fam["token"]),
        team,
        on="2025-01-06",
        s47="2025-01-06",
        actor=Actor.cli(),
    )
    due = date(2025, 3, 5)  # 42 working days: 8 weeks and 2 days, no bank holiday
    # the alert opens 5 working days before the deadline (docs/contract.md §16)
    assert not [
        a for a in runner.json("alerts", "--date", "2025-02-25") if a["rule"] == "core-assessment"
    ]
    [alert] = [
        a
        for a in runner.json("alerts", "--date", due.isoformat())
        if a["rule"] == "core-assessment"
    ]
    assert alert["due"] == "2025-02-26" and alert["role"] == "team manager"
    assert alert["deadline"] == due.isoformat() and alert["due_soon"] is True
    # an interim assessment is recorded and shown; only "assessment done" closes it
    made = runner("alerts", "interim", fam["token"], "--date", "2025-03-06")
    assert made.exit_code == 0, made.output
    [alert] = [
        a for a in runner.json("alerts", "--date", "2025-03-07") if a["rule"] == "core-assessment"
    ]
    assert alert["interim"] == "2025-03-06" and "interim" in alert["message"]
    row = get_family_row(store, fam["token"])
    set_case(store, row, team, on="2025-03-10", assessment_done="2025-03-10", actor=Actor.cli())
    assert [
        a["rule"]
        for a in runner.json("alerts", "--date", "2025-03-10")
        if a["rule"] == "core-assessment"
    ] == []
    no_s47 = add_by_cli(runner, "--initials", "NOs", "--stage", "1")
    assert runner("alerts", "interim", no_s47).exit_code == 2


# -- one clinic for the service (Clinic ToR) ------------------------------------------------


def _bookings(store):
    return store["clinic_bookings"].count


def test_two_teams_booking_the_same_thursday_slot(runner, store, team, other_team):
    mine = add_by_cli(runner, "--initials", "AAa", "--stage", "4", "--team", "Team")
    theirs = add_by_cli(runner, "--initials", "BBb", "--stage", "4", "--team", "Elsewhere")
    slot = ["--for", "lpm", "--day", "2025-06-12", "--start", "14:00", "--date", "2025-06-09"]
    first = runner("clinic", "book", mine, "--team", "Team", *slot)
    assert first.exit_code == 0, first.output
    assert _bookings(store) == 1
    second = runner("clinic", "book", theirs, "--team", "Elsewhere", *slot)
    assert second.exit_code == 2
    assert "overlaps the booking at 14:00 (another team)" in second.output
    assert _bookings(store) == 1
    # a slot that only overlaps is refused too; the free slots are offered instead
    late = runner(
        "clinic",
        "book",
        theirs,
        "--team",
        "Elsewhere",
        "--for",
        "pre-proceedings",
        "--day",
        "2025-06-12",
        "--start",
        "14:15",
        "--date",
        "2025-06-09",
    )
    assert late.exit_code == 2 and "free: 14:30, 14:45" in late.output
    week = runner.json("clinic", "week", "--team", "Elsewhere", "--date", "2025-06-12")
    [taken] = week["bookings"]
    assert taken["other_team"] and taken["token"] is None and taken["initials"] is None
    # teams of different services keep separate calendars
    set_service(store, ensure_team(store, "Team"), "North")
    set_service(store, ensure_team(store, "Elsewhere"), "South")
    again = runner("clinic", "book", theirs, "--team", "Elsewhere", *slot)
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize(
    ("day", "today", "reason"),
    [
        ("2025-12-25", "2025-12-01", "2025-12-25 is a bank holiday (Christmas Day)"),
        ("2025-06-12", "2025-06-13", "2025-06-12 is in the past (today is 2025-06-13)"),
        ("2025-06-11", "2025-06-09", "the clinic is on Thursdays; 2025-06-11 is a Wednesday"),
    ],
)
def test_refused_days_exit_2_with_the_reason_and_write_nothing(runner, store, day, today, reason):
    token = add_by_cli(runner, "--initials", "AAa", "--stage", "4")
    result = runner(
        "clinic", "book", token, "--for", "lpm", "--day", day, "--start", "14:00", "--date", today
    )
    assert result.exit_code == 2
    assert reason in result.output and len(result.output.strip().splitlines()) == 1
    assert _bookings(store) == 0
    # the day of the week itself is bookable: the same Thursday from the day before
    if "past" in reason:
        ok = runner(
            "clinic",
            "book",
            token,
            "--for",
            "lpm",
            "--day",
            day,
            "--start",
            "14:00",
            "--date",
            "2025-06-12",
        )
        assert ok.exit_code == 0, ok.output


def test_clinic_record_and_the_quarterly_check(runner):
    came = add_by_cli(runner, "--initials", "AAa", "--stage", "4")
    skipped = add_by_cli(runner, "--initials", "BBb", "--stage", "4")
    booked = runner.json(
        "clinic",
        "book",
        came,
        "--for",
        "pre-proceedings",
        "--day",
        "2025-06-12",
        "--start",
        "14:00",
        "--date",
        "2025-06-09",
    )
    for item in ("draft pre-proceedings letter", "draft written agreement"):
        ok = runner("clinic", "tick", str(booked["id"]), "--document", item, "--date", "2025-06-11")
        assert ok.exit_code == 0, ok.output
    assert runner("clinic", "tick", str(booked["id"]), "--document", "genogram").exit_code == 2
    for who in ("social worker", "team manager", "service manager", "Legal Services"):
        assert runner("clinic", "tick", str(booked["id"]), "--note-sent-to", who).exit_code == 0
    [b] = runner.json("clinic", "week", "--date", "2025-06-12")["bookings"]
    assert [d["done_on"] for d in b["documents"]] == ["2025-06-11", "2025-06-11"]
    assert all(n["done_on"] for n in b["note_sent_to"])
    runner("clinic", "went", came, "--for", "pre-proceedings", "--date", "2025-06-20")
    runner("clinic", "went", skipped, "--for", "lpm", "--date", "2025-06-30")
    runner("clinic", "went", skipped, "--for", "lpm", "--date", "2025-07-01")  # next quarter
    report = runner.json("clinic", "report", "--quarter", "2025-Q2")
    assert (report["total"], report["through_clinic"]) == (2, 1)
    assert [(c["token"], c["through_clinic"]) for c in report["cases"]] == [
        (came, True),
        (skipped, False),
    ]
    assert report["cases"][0]["clinic_day"] == "2025-06-12"
    assert runner("clinic", "report", "--quarter", "2025-Q5").exit_code == 2


# -- the agenda's stuck cases ---------------------------------------------------------------


def test_stuck_appears_in_the_agenda_after_red_and_amber(runner, store, team):
    today = team_today(team)
    red = add_by_cli(
        runner, "--initials", "REd", "--stage", "3", "--review", (today - DAY).isoformat()
    )
    amber = add_by_cli(
        runner, "--initials", "AMb", "--stage", "3", "--review", (today + 3 * DAY).isoformat()
    )
    opened = {n: ("--opened", (today - n * DAY).isoformat()) for n in (56, 57)}
    stuck = add_by_cli(runner, "--initials", "STu", "--stage", "2", *opened[57])
    limit = add_by_cli(runner, "--initials", "LIm", "--stage", "2", *opened[56])
    for token, days in ((stuck, 57), (limit, 56)):  # stage 2's limit: 8 weeks = 56 days
        fid = get_family_row(store, token, team)["id"]
        store.execute(
            "update events set on_date = ? where family_id = ?",
            [(today - days * DAY).isoformat(), fid],
        )
    store.conn.commit()
    items = runner.json("agenda", "--date", today.isoformat())
    assert [(i["token"], i["reason"]) for i in items] == [
        (red, "red"),
        (amber, "amber"),
        (stuck, "stuck"),
    ]
    assert items[2]["details"]["stuck"] == {"days_in_stage": 57, "limit_days": 56}
    assert "57 days in stage 2 (limit 56)" in items[2]["summary"]


def test_a_store_from_before_the_practice_records_set_upgrades(tmp_path, monkeypatch):
    import sqlite3

    from sqlite_utils import Database

    import webapp.store.connection as connection
    from webapp.rules.team_rules import team_rules
    from webapp.store.migrations import practice_records, scale

    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    # scale indexes practice_records' tables: a store without them is from before it too
    before = [
        s for s in connection.SETS if s not in (practice_records.migrations, scale.migrations)
    ]
    old = Database(path)
    for migrations in before:
        migrations.apply(old)
    team = ensure_team(old, "Team")
    old["review_rules"].insert(
        {
            "team_id": team["id"],
            "key": "core-assessment",
            "kind": "assessment",
            "role": "team manager",
            "params": '{"stage": 1, "working_days": 42}',
            "policy": "old text",
            "active": 1,
        }
    )
    old["follow_ups"].insert(
        {
            "team_id": team["id"],
            "family_id": add_family(
                old, team, initials="TWr", stage=1, review="2030-01-01", actor=Actor.cli()
            )["id"],
            "alert_key": "s31-sm",
            "followed_on": "2025-01-01",
        }
    )
    old.close()
    db = connection.open_store(path)
    [rule] = [r for r in team_rules(db, team) if r["key"] == "core-assessment"]
    assert rule["params"] == {"working_days": 42} and "s.47" in rule["policy"]
    assert [r["due_on"] for r in db["follow_ups"].rows] == [None]  # answers up to its date
    assert {"wt-icpc", "wt-cp-review", "wt-cla-review"} <= {r["key"] for r in team_rules(db, team)}
