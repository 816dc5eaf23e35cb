"""The rules and report pages: who may read and write, forms, CSRF, inline SVG charts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from webapp.accounts.teams import team_today
from webapp.cases.families import add_family
from webapp.demo.history import generate_history
from webapp.rules.alerts import open_alerts
from webapp.values.actor import Actor


@pytest.fixture
def case(family, today):
    """A s.31 case at stage 3, opened 38 weeks ago and due today: its s31-sm alert is open."""
    return family(
        "TWr",
        stage=3,
        review=today.isoformat(),
        opened=today - timedelta(weeks=38),
        case_type="s.31",
        worker="Ann",
    )


@pytest.fixture
def theirs(store, other_team, today):
    """A family of the other team."""
    return add_family(
        store, other_team, initials="XYz", stage=1, review=today.isoformat(), actor=Actor.cli()
    )


def test_alerts_page_and_follow_up(client_for, store, team, case):
    manager = client_for("manager")
    page = manager.get("/alerts")
    assert page.status_code == 200 and b"s.31 case open 38 weeks" in page.data
    done = manager.post(
        "/alerts/follow-up", data={"token": case["token"], "key": "s31-sm", "note": "ok"}
    )
    assert done.status_code == 302
    assert open_alerts(store, team, team_today(team)) == []
    assert b"No alerts are open" in manager.get("/alerts").data


def test_practitioner_reads_but_cannot_write(client_for, store, team, case):
    practitioner = client_for("practitioner")
    page = practitioner.get("/alerts")
    assert page.status_code == 200 and b"Followed up" not in page.data and b"Done" not in page.data
    assert (
        practitioner.post(
            "/alerts/follow-up", data={"token": case["token"], "key": "s31-sm"}
        ).status_code
        == 403
    )
    assert practitioner.get("/reports/drift").status_code == 403
    assert len(open_alerts(store, team, team_today(team))) == 1


def test_another_teams_token_is_not_found(client_for, case, theirs):
    manager = client_for("manager")
    response = manager.post(
        "/alerts/new", data={"token": theirs["token"], "date": "2030-01-01", "action": "x"}
    )
    assert response.status_code == 404


def test_manager_alert_form_and_bad_input(client_for, team, case):
    manager = client_for("manager")
    today = team_today(team).isoformat()
    ok = manager.post(
        "/alerts/new",
        data={
            "token": case["token"],
            "date": today,
            "action": "request school information",
            "timescale": "within two weeks",
        },
    )
    assert ok.status_code == 302
    assert b"request school information (within two weeks)" in manager.get("/alerts").data
    bad = manager.post(
        "/alerts/new", data={"token": case["token"], "date": "2030-02-30", "action": "x"}
    )
    assert bad.status_code == 400 and b"real date" in bad.data
    assert manager.get("/alerts?date=nonsense").status_code == 400


def test_supervision_and_clinic_pages(client_for, team, case):
    manager = client_for("manager")
    page = manager.get("/supervision")
    assert page.status_code == 200 and b"0 of 1" in page.data
    today = team_today(team).isoformat()
    assert (
        manager.post(
            "/supervision/discussions",
            data={"token": case["token"], "date": today, "kind": "one-to-one", "who": "Ann"},
        ).status_code
        == 302
    )
    assert b"1 of 1" in manager.get("/supervision").data
    assert (
        manager.post(
            "/supervision/discussions", data={"token": case["token"], "date": today, "kind": "chat"}
        ).status_code
        == 400
    )

    clinic = manager.get("/clinic")
    assert clinic.status_code == 200
    assert re.search(rb"Clinic, Thu \d{1,2} \w{3} \d{4}</h1>", clinic.data)
    day = re.search(rb'name="day" value="(\d{4}-\d\d-\d\d)"', clinic.data).group(1).decode()
    assert (
        manager.post(
            "/clinic/requests", data={"token": case["token"], "purpose": "lpm"}
        ).status_code
        == 302
    )
    assert (
        manager.post(
            "/clinic/bookings",
            data={
                "token": case["token"],
                "purpose": "pre-proceedings",
                "day": day,
                "start": "14:00",
            },
        ).status_code
        == 302
    )
    page = manager.get(f"/clinic?date={day}")
    assert b"14:00\xe2\x80\x9314:45" in page.data and b"Pre-proceedings" in page.data
    clash = manager.post(
        "/clinic/bookings",
        data={"token": case["token"], "purpose": "lpm", "day": day, "start": "14:30"},
    )
    assert clash.status_code == 400 and b"no free" in clash.data


def test_rules_page_updates_a_rule(client_for, store, team, case):
    manager = client_for("manager")
    assert b"Cafcass" in manager.get("/rules").data
    saved = manager.post(
        "/rules/s31-sm",
        data={
            "param_case_type": "s.31",
            "param_first_weeks": "40",
            "param_every_weeks": "3",
            "active": "1",
        },
    )
    assert saved.status_code == 302
    assert open_alerts(store, team, team_today(team)) == []  # 38 weeks no longer reaches 40
    assert (
        manager.post("/rules/s31-sm", data={"param_first_weeks": "soon", "active": "1"}).status_code
        == 400
    )


def test_drift_dashboard_svg_and_downloads(client_for, store, team):
    generate_history(store, team, days=120, families=15, seed=3)
    manager = client_for("manager")
    page = manager.get("/reports/drift?sample=2&seed=4")
    assert page.status_code == 200
    assert page.data.count(b"<svg") == 4 and b"<rect" in page.data and b"<polyline" in page.data
    assert b"Stage moves per week" in page.data
    pdf = manager.get("/reports/drift.pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    csv = manager.get("/reports/drift.csv")
    assert csv.status_code == 200 and csv.data.startswith(b"section,date")
    assert manager.get("/reports/drift?sample=lots").status_code == 400
    assert manager.post("/audits", data={"auditor": "PDO"}).status_code == 302
    assert b"Last audited" in manager.get("/reports/drift").data


def test_forms_need_the_csrf_token(csrf_client, csrf_auth, family):
    fam = family("TWr", stage=1, review="2030-01-01")
    client = csrf_client
    assert csrf_auth.login("manager").status_code == 302
    refused = client.post(
        "/alerts/new", data={"token": fam["token"], "date": "2030-01-01", "action": "x"}
    )
    assert refused.status_code == 400
    page = client.get("/alerts").data.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    accepted = client.post(
        "/alerts/new",
        data={"token": fam["token"], "date": "2030-01-01", "action": "x", "csrf_token": token},
    )
    assert accepted.status_code == 302
