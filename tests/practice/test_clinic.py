"""The Thursday clinic: slots, bookings, actions; meeting audits."""

from datetime import date

import pytest

from webapp.errors import BadInput
from webapp.practice.clinic import (
    add_action,
    book,
    complete_action,
    free_slots,
    request_clinic,
    waiting_requests,
    week_bookings,
)
from webapp.practice.clinic_days import clinic_day, next_clinic
from webapp.practice.meeting_audits import add_audit, audit_status
from webapp.rules.alerts import open_alerts
from webapp.values.actor import Actor

THU = date(2025, 6, 12)
MON = date(2025, 6, 9)  # "today" in these tests: the Monday of that week


def test_clinic_days():
    assert THU.weekday() == 3
    assert clinic_day(date(2025, 6, 9)) == THU  # Monday of that week
    assert clinic_day(date(2025, 6, 15)) == THU  # Sunday of that week
    assert next_clinic(date(2025, 6, 13)) == date(2025, 6, 19)
    assert next_clinic(THU) == THU


def test_empty_clinic_offers_every_fitting_slot(store, team):
    assert free_slots(store, team, THU, "lpm", today=MON) == [
        "14:00",
        "14:15",
        "14:30",
        "14:45",
        "15:00",
    ]
    assert free_slots(store, team, THU, "pre-proceedings", today=MON) == [
        "14:00",
        "14:15",
        "14:30",
        "14:45",
    ]
    with pytest.raises(BadInput):
        free_slots(store, team, date(2025, 6, 11), "lpm", today=MON)


def test_bookings_fill_the_afternoon(store, team, add):
    a, b, c = add(initials="AAa"), add(initials="BBb"), add(initials="CCc")
    request_clinic(
        store, team, a["token"], "pre-proceedings", on=date(2025, 6, 10), actor=Actor.cli()
    )
    assert [r["token"] for r in waiting_requests(store, team)] == [a["token"]]
    first = book(
        store,
        team,
        a["token"],
        day=THU,
        start="14:00",
        purpose="pre-proceedings",
        today=MON,
        actor=Actor.cli(),
    )
    assert waiting_requests(store, team) == []
    assert first["minutes"] == 45
    # 14:00-14:45 taken: a 30-minute LPM slot fits from 14:45 to 15:00 start
    assert free_slots(store, team, THU, "lpm", today=MON) == ["14:45", "15:00"]
    assert free_slots(store, team, THU, "pre-proceedings", today=MON) == ["14:45"]
    with pytest.raises(BadInput, match="no free"):
        book(
            store,
            team,
            b["token"],
            day=THU,
            start="14:30",
            purpose="lpm",
            today=MON,
            actor=Actor.cli(),
        )
    book(
        store, team, b["token"], day=THU, start="14:45", purpose="lpm", today=MON, actor=Actor.cli()
    )
    assert (
        free_slots(store, team, THU, "lpm", today=MON) == []
    )  # 15:15 would end at 15:45, after closing
    with pytest.raises(BadInput):
        book(
            store,
            team,
            c["token"],
            day=THU,
            start="15:15",
            purpose="lpm",
            today=MON,
            actor=Actor.cli(),
        )
    week = week_bookings(store, team, date(2025, 6, 9), today=MON)
    assert [(x["start"], x["end"], x["initials"]) for x in week["bookings"]] == [
        ("14:00", "14:45", "AAa"),
        ("14:45", "15:15", "BBb"),
    ]


def test_actions_alert_the_team_manager_when_overdue(store, team, add):
    a = add(opened=date(2025, 1, 1))
    booking = book(
        store, team, a["token"], day=THU, start="14:00", purpose="lpm", today=MON, actor=Actor.cli()
    )
    action = add_action(
        store, team, booking["id"], text="send genogram", owner="SW", due_on="2025-06-19"
    )
    assert week_bookings(store, team, THU)["bookings"][0]["actions"][0]["text"] == "send genogram"

    def clinic_alerts(on):
        return [x for x in open_alerts(store, team, on) if x["kind"] == "clinic"]

    assert clinic_alerts(date(2025, 6, 18)) == []
    [alert] = clinic_alerts(date(2025, 6, 19))
    assert alert["role"] == "team manager" and "send genogram" in alert["message"]
    complete_action(store, team, action["id"], "2025-06-20")
    assert clinic_alerts(date(2025, 6, 19)) != []  # it was still open that day
    assert clinic_alerts(date(2025, 6, 20)) == []
    with pytest.raises(BadInput):
        add_action(store, team, booking["id"], text="x", owner="SW", due_on="2025-06-01")
    with pytest.raises(BadInput):
        add_action(store, team, booking["id"], text=" ", owner="SW", due_on="2025-06-30")


def test_audit_due_two_months_after_the_last(store, team):
    assert audit_status(store, team, date(2025, 1, 1))["prompt"] is True
    add_audit(store, team, on="2024-12-31", auditor="SM", actor=Actor.cli())
    status = audit_status(store, team, date(2025, 2, 27))
    assert status["next_due"] == "2025-02-28" and status["prompt"] is False
    assert audit_status(store, team, date(2025, 2, 28))["prompt"] is True
    with pytest.raises(BadInput):
        add_audit(store, team, on="2025-01-01", auditor="", actor=Actor.cli())


def test_cli_clinic_and_audit(runner):
    token = runner(
        "family", "add", "--initials", "TWr", "--stage", "4", "--review", "2030-01-01"
    ).output.strip()
    assert runner("clinic", "request", token, "--for", "lpm", "--date", "2025-06-09").exit_code == 0
    week = runner.json("clinic", "week", "--date", "2025-06-09")
    assert week["day"] == "2025-06-12" and week["waiting"][0]["token"] == token
    booked = runner.json(
        "clinic",
        "book",
        token,
        "--for",
        "lpm",
        "--day",
        "2025-06-12",
        "--start",
        "14:30",
        "--date",
        "2025-06-09",
    )
    assert booked["start"] == "14:30"
    assert (
        runner(
            "clinic", "book", token, "--for", "lpm", "--day", "2025-06-11", "--start", "14:00"
        ).exit_code
        == 2
    )
    assert (
        runner(
            "clinic",
            "book",
            token,
            "--for",
            "lpm",
            "--day",
            "2025-06-12",
            "--start",
            "2pm",
            "--date",
            "2025-06-09",
        ).exit_code
        == 2
    )
    made = runner(
        "clinic",
        "action",
        str(booked["id"]),
        "--text",
        "draft LPM referral",
        "--owner",
        "SW",
        "--due",
        "2025-06-19",
    )
    assert made.exit_code == 0, made.output
    week = runner.json("clinic", "week", "--date", "2025-06-12")
    assert week["bookings"][0]["actions"][0]["owner"] == "SW" and week["waiting"] == []
    assert runner("audit", "add", "--date", "2025-04-01", "--auditor", "PDO").exit_code == 0
    status = runner.json("audit", "status", "--date", "2025-06-01")
    assert status == {
        "last_audit": "2025-04-01",
        "auditor": "PDO",
        "interval_months": 2,
        "next_due": "2025-06-01",
        "prompt": True,
    }
