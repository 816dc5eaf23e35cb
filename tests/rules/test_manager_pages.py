"""The manager's pages for §7: missed alerts on /alerts, the clinic's free slots and
refusals, the supervision checks, the rules' standing, the meeting record, and the
weeks without a meeting on the board and drift pages."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers.web import text
from webapp.cases.meetings import meeting_record
from webapp.practice.clinic_days import next_open_clinic
from webapp.web.dates import longdate

WEEK = timedelta(weeks=1)


def test_alerts_page_shows_each_firing_marked_missed(client_for, family, today):
    fam = family("TWr", stage=3, review="2030-01-01", opened=today - 41 * WEEK, case_type="s.31")
    manager = client_for("manager")
    page = text(manager.get("/alerts"))
    assert (today - 3 * WEEK).isoformat() in page and today.isoformat() in page
    assert "missed" in page and f"fired again {longdate(today)}" in page
    assert "Missed reviews" in page and "s31-sm" in page
    # answering the older firing from the page closes that one only
    done = manager.post(
        "/alerts/follow-up",
        data={"token": fam["token"], "key": "s31-sm", "due": (today - 3 * WEEK).isoformat()},
    )
    assert done.status_code == 302
    page = text(manager.get("/alerts"))
    assert f"fired again {today.isoformat()}" not in page and today.isoformat() in page


def test_clinic_offers_free_slots_and_refuses_with_the_reason(client_for, family, store, today):
    fam = family("TWr", stage=4)
    manager = client_for("manager")
    page = manager.get("/clinic").get_data(as_text=True)
    day = next_open_clinic({"settings": "{}"}, today)
    assert f"Clinic, {longdate(day)}" in page  # a Thursday
    day = day.isoformat()
    assert '<select name="start"><option>14:00</option>' in page
    booked = manager.post(
        "/clinic/bookings",
        data={"token": fam["token"], "purpose": "lpm", "day": day, "start": "14:00"},
    )
    assert booked.status_code == 302
    page = manager.get(f"/clinic?date={day}").get_data(as_text=True)
    assert "<option>14:00</option>" not in page and "<option>14:30</option>" in page
    assert "draft LPM referral" in page and "Legal Services" in page
    past = (today - timedelta(days=(today.weekday() - 3) % 7 or 7)).isoformat()
    refused = manager.post(
        "/clinic/bookings",
        data={"token": fam["token"], "purpose": "lpm", "day": past, "start": "14:00"},
    )
    assert refused.status_code == 400 and "is in the past" in text(refused)
    assert store["clinic_bookings"].count == 1


def test_supervision_page_lists_other_kinds_and_practitioner_checks(client_for, family, today):
    fam = family("TWr", stage=2, worker="Ann")
    manager = client_for("manager")
    manager.post(
        "/supervision/discussions",
        data={"token": fam["token"], "date": today.isoformat(), "kind": "group"},
    )
    page = text(manager.get("/supervision"))
    assert "0 of 1" in page and "group only" in page
    assert (
        manager.post(
            "/supervision/frequency", data={"name": "Ann", "frequency": "fortnightly"}
        ).status_code
        == 302
    )
    month = today.strftime("%Y-%m")
    assert (
        manager.post("/supervision/leave", data={"name": "Ann", "month": month}).status_code == 302
    )
    page = text(manager.get(f"/supervision?month={month}"))
    assert "fortnightly" in page and "on leave" in page


def test_rules_page_labels_each_rule_with_its_standing(client_for):
    page = text(client_for("practitioner").get("/rules"))
    assert "early ideas" in page and "starting point" in page
    assert (
        "Working Together to Safeguard Children (2023)" in page and "optional (statutory)" in page
    )


def test_rules_page_switches_a_statutory_rule_on_for_a_case_type(client_for, store, team):
    manager = client_for("manager")
    saved = manager.post("/rules/wt-cla-review", data={"param_case_type": "CLA", "active": "1"})
    assert saved.status_code == 302
    [rule] = [r for r in store["review_rules"].rows if r["key"] == "wt-cla-review"]
    assert rule["active"] == 1 and '"case_type": "CLA"' in rule["params"]


def test_meeting_record_and_authorisation(client_for, store, team, today, users):
    manager = client_for("manager")
    on = today.isoformat()
    saved = manager.post(
        "/agenda/record",
        data={
            "date": on,
            "attended": "Ann, Ben, Mia",
            "absent": "Cat",
            "facilitator": "Mia",
            "administrator": "Dee",
        },
    )
    assert saved.status_code == 302
    page = text(manager.get(f"/agenda?date={on}"))
    assert "Agreed absences: Cat" in page and "Not yet authorised" in page
    assert (
        client_for("practitioner").post("/agenda/authorise", data={"date": on}).status_code == 403
    )
    assert manager.post("/agenda/authorise", data={"date": on}).status_code == 302
    record = meeting_record(store, team, today)
    assert record["attended"] == ["Ann", "Ben", "Mia"] and record["agreed_absences"] == ["Cat"]
    assert (record["facilitator"], record["administrator"]) == ("Mia", "Dee")
    assert record["authorised_by"] == "manager"
    both = manager.post("/agenda/record", data={"date": on, "attended": "Ann", "absent": "Ann"})
    assert both.status_code == 302 and meeting_record(store, team, today)["attended"] == [
        "Ann",
        "Ben",
        "Mia",
    ]


def test_weeks_without_a_meeting_show_on_the_board_and_the_drift_report(
    client_for, store, team, today, runner
):
    # the team has existed for five weeks and met only in the last full week
    created = today - 5 * WEEK
    store["teams"].update(team["id"], {"created_at": f"{created.isoformat()}T09:00:00+00:00"})
    monday = today - timedelta(days=today.weekday())
    store["meetings"].insert(
        {"team_id": team["id"], "meeting_date": (monday - WEEK).isoformat(), "started_at": "x"}
    )
    gaps = runner.json("meeting", "gaps", "--weeks", "8", "--team", "Team")
    assert (monday - WEEK).isoformat() not in gaps and (monday - 2 * WEEK).isoformat() in gaps
    board = text(client_for("practitioner").get("/"))
    weeks = ", ".join(longdate(monday - n * WEEK) for n in (4, 3, 2))
    assert f"No meeting recorded in the week of {weeks}." in board
    report = runner.json("report", "drift", "--weeks", "8", "--team", "Team")
    assert report["no_meeting_weeks"] == gaps
    assert report["summary"]["weeks_without_meeting"] == len(gaps)
    drift = text(client_for("manager").get("/reports/drift"))
    assert "Weeks with no meeting recorded" in drift


def test_meeting_cli(runner, store, team):
    from webapp.accounts.users import add_user

    for role in ("manager", "practitioner"):
        add_user(store, role, role, "a long enough password", "Team")
    made = runner.json(
        "meeting",
        "record",
        "--date",
        "2025-06-10",
        "--attended",
        "Ann,Ben",
        "--absent",
        "Cat",
        "--facilitator",
        "Mia",
        "--administrator",
        "Dee",
    )
    assert made["attended"] == ["Ann", "Ben"] and made["authorised_by"] is None
    refused = runner("meeting", "authorise", "--date", "2025-06-10", "--by", "practitioner")
    assert refused.exit_code == 2 and "only the team manager" in refused.output
    ok = runner("meeting", "authorise", "--date", "2025-06-10", "--by", "manager")
    assert ok.exit_code == 0, ok.output
    shown = runner.json("meeting", "show", "--date", "2025-06-10")
    assert shown["authorised_by"] == "manager" and shown["agreed_absences"] == ["Cat"]
    assert runner("meeting", "show", "--date", "2025-06-11").exit_code == 2
    assert runner("meeting", "record", "--date", "2025-06-10", "--attended", " ").exit_code == 2
