"""Alerts that reach someone, as the Cafcass triggers mean them (docs/contract.md §16),
against the real SMTP server."""

from __future__ import annotations

from datetime import date, timedelta

from tests.helpers.web import AuthActions
from webapp.cases.families import get_family_row
from webapp.cases.lifecycle import set_case
from webapp.rules.alert_records import add_manager_alert
from webapp.values.actor import Actor

REF, NOTE = "LA-2026-00077", "Dad's brother Kevin moved in"
DAY = date(2026, 3, 2)  # a Monday


def login(app, username):
    client = app.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return client


def test_with_no_head_of_practice_the_team_manager_gets_the_shielded_firing_a_week_late(
    runner, mailbox, store, team, family, add_person
):
    """ "Shielded Cases ; Trigger to Head Of Practice at point of shield": with no head of
    practice on the team, the team manager gets it, told why, even when notify first
    runs a week after the shield; no message names the flag, the type, the reference or
    the note."""
    add_person("tm", "manager", email="tm@council.example")
    add_person("sm", "service-manager")  # no email address either
    case = family("TWr", stage=2, opened="2025-09-01", case_type="s.31", ref=REF,
                  worker="Priya Shah")  # fmt: skip
    set_case(
        store,
        get_family_row(store, case["token"]),
        team,
        on=DAY,
        flags=["shielded"],
        actor=Actor.cli(),
    )
    add_manager_alert(store, team, case["token"], due_on=DAY, action=NOTE, actor=Actor.cli())
    late = DAY + timedelta(days=7)
    sent = runner.json("notify", "--date", late.isoformat())
    assert {m["to"] for m in sent} == {"tm@council.example"}
    assert len(sent) == 2  # the shield and the manager alert, both a week old
    bodies = mailbox.bodies()
    assert all("No head of practice with an email address" in b or "No service manager" in b
               for b in bodies)  # fmt: skip
    assert any("No head of practice with an email address" in b for b in bodies)
    for body in bodies:
        for secret in ("shield", "Shield", REF, NOTE, "Kevin", "s.31", "Priya"):
            assert secret not in body
    assert runner.json("notify", "--date", (late + timedelta(days=1)).isoformat()) == []


def test_a_firing_still_open_when_its_series_fires_again_is_sent_again(
    runner, mailbox, store, team, family, add_person
):
    """ "Trigger to SM set when child needs added and every 10 weeks thereafter": a
    firing nobody answered is sent again when the next one comes, and none is lost."""
    add_person("sm", "service-manager", email="sm@council.example")
    case = family("JWr", stage=2, opened="2025-06-02")
    set_case(
        store, get_family_row(store, case["token"]), team, on=DAY, flags=["CSE"], actor=Actor.cli()
    )
    first = runner.json("notify", "--date", DAY.isoformat())
    assert len(first) == 1
    assert runner.json("notify", "--date", (DAY + timedelta(weeks=9)).isoformat()) == []
    again = runner.json("notify", "--date", (DAY + timedelta(weeks=10)).isoformat())
    assert len(again) == 2  # the new firing, and the first one once more
    texts = mailbox.bodies()
    assert any("still open although its trigger has fired again" in t for t in texts)
    assert not any("CSE" in t for t in texts)


def test_service_managers_and_heads_of_practice_can_request_an_alert(
    app, client_for, store, team, family, add_person
):
    """ "At the point of allocation or at any point thereafter, Service Manger or Head of
    Practice can request an alert be triggered on a specified date for case review.\""""
    case = family("KLo", stage=2)
    for role in ("service-manager", "head-of-practice"):
        add_person(role, role, email=f"{role}@council.example")
        client = login(app, role)
        made = client.post("/alerts/new", data={"token": case["token"], "date": "2026-05-01",
                                                "action": "check school report"})  # fmt: skip
        assert made.status_code == 302, role
    assert store["manager_alerts"].count == 2
    assert (
        client_for("practitioner")
        .post("/alerts/new", data={"token": case["token"], "date": "2026-05-01", "action": "x"})
        .status_code
        == 403
    )


def test_a_team_manager_cannot_close_a_head_of_practice_trigger(
    app, client_for, store, team, family, add_person
):
    """ "Shielded Cases ; Trigger to Head Of Practice": the head of practice answers it,
    not a team manager."""
    add_person("head-of-practice", "head-of-practice", email="hop@council.example")
    case = family("ABc", stage=2, opened="2025-06-02")
    set_case(
        store,
        get_family_row(store, case["token"]),
        team,
        on=DAY,
        flags=["shielded"],
        actor=Actor.cli(),
    )
    data = {"token": case["token"], "key": "shielded", "due": DAY.isoformat(),
            "date": (DAY + timedelta(days=1)).isoformat()}  # fmt: skip
    assert client_for("manager").post("/alerts/follow-up", data=data).status_code == 403
    assert store["follow_ups"].count == 0
    assert login(app, "head-of-practice").post("/alerts/follow-up", data=data).status_code == 302
    assert store["follow_ups"].count == 1
