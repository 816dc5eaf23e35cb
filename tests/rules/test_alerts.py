"""Open alerts from the store: triggers, follow-ups, manager alerts, the CLI."""

from datetime import date, timedelta

import pytest

from webapp.cases.families import get_family_row
from webapp.errors import BadInput, NotFound
from webapp.rules.alert_records import add_manager_alert, follow_up
from webapp.rules.alerts import alerts_for_family, open_alerts
from webapp.rules.team_rules import proposed_review, team_rules, update_rule
from webapp.values.actor import Actor

TODAY = date(2025, 6, 11)
WEEK = timedelta(weeks=1)


def keys(store, team, on=TODAY):
    return {(a["token"], a["key"], a["due"]) for a in open_alerts(store, team, on)}


def test_s31_alert_is_open_until_followed_up_then_reopens(store, team, add):
    fam = add(opened=TODAY - 38 * WEEK, case_type="s.31")
    token = fam["token"]
    assert keys(store, team) == {(token, "s31-sm", TODAY.isoformat())}
    assert keys(store, team, TODAY - timedelta(days=1)) == set()

    follow_up(
        store,
        team,
        token,
        "s31-sm",
        on=TODAY + timedelta(days=2),
        note="discussed",
        actor=Actor.cli(),
    )
    assert keys(store, team, TODAY + timedelta(days=1)) == {(token, "s31-sm", TODAY.isoformat())}
    assert keys(store, team, TODAY + timedelta(days=2)) == set()
    # three weeks on, the next firing opens a new alert
    later = TODAY + 3 * WEEK
    assert keys(store, team, later) == {(token, "s31-sm", later.isoformat())}


def test_alert_objects_carry_the_contract_fields(store, team, add):
    add(opened=TODAY - 20 * WEEK, case_type="16.4", flags=["MARAC"])
    found = open_alerts(store, team, TODAY)
    by_rule = {a["rule"]: a for a in found}
    assert set(by_rule) == {"16.4-sm", "risk-flag"}
    for alert in found:
        assert {"token", "rule", "due", "role", "message", "initials", "kind"} <= set(alert)
    assert by_rule["16.4-sm"]["role"] == "service manager"
    # flags added at registration count from the opening date: 20 weeks = 2 cycles of 10
    assert by_rule["risk-flag"]["due"] == TODAY.isoformat()


def test_team_can_change_and_switch_off_rules(store, team, add):
    fam = add(opened=TODAY - 36 * WEEK, case_type="s.31")
    assert keys(store, team) == set()
    update_rule(store, team, "s31-sm", params={"first_weeks": "36"})
    assert keys(store, team) == {(fam["token"], "s31-sm", TODAY.isoformat())}
    update_rule(store, team, "s31-sm", active=False)
    assert keys(store, team) == set()
    with pytest.raises(BadInput):
        update_rule(store, team, "s31-sm", params={"colour": "red"})
    with pytest.raises(BadInput):
        update_rule(store, team, "s31-sm", params={"first_weeks": "soon"})


def test_rules_are_seeded_once_per_team(store, team):
    first = team_rules(store, team)
    assert len(first) == len(team_rules(store, team))
    assert {r["key"] for r in first} >= {"s31-sm", "s31-hop", "risk-flag", "shielded"}
    assert all(r["policy"] for r in first)


def test_manager_alert_fires_on_its_date_and_stays_open_until_follow_up(store, team, add):
    fam = add()
    alert = add_manager_alert(
        store,
        team,
        fam["token"],
        due_on=TODAY,
        action="request school information",
        timescale="within two weeks",
        actor=Actor.cli(),
    )
    key = f"manager:{alert['id']}"
    assert keys(store, team, TODAY - timedelta(days=1)) == set()
    assert keys(store, team, TODAY + 30 * WEEK) == {(fam["token"], key, TODAY.isoformat())}
    row = get_family_row(store, fam["token"])
    [shown] = alerts_for_family(store, team, row, TODAY)
    assert shown["message"] == "request school information (within two weeks)"
    follow_up(store, team, fam["token"], key, on=TODAY + WEEK, actor=Actor.cli())
    assert keys(store, team, TODAY + 30 * WEEK) == set()


def test_follow_up_of_an_alert_that_is_not_open_is_refused(store, team, add):
    fam = add()
    with pytest.raises(NotFound):
        follow_up(store, team, fam["token"], "s31-sm", on=TODAY, actor=Actor.cli())
    with pytest.raises(BadInput):
        add_manager_alert(
            store, team, fam["token"], due_on="2025-02-30", action="x", actor=Actor.cli()
        )


def test_proposed_review_per_stage(store, team):
    assert proposed_review(store, team, 1, TODAY) == TODAY + timedelta(days=14)
    assert proposed_review(store, team, 5, TODAY) == TODAY + timedelta(days=42)
    update_rule(store, team, "review-stage-5", params={"days": 21})
    assert proposed_review(store, team, 5, TODAY) == TODAY + timedelta(days=21)


def test_cli_alerts_json_and_errors(runner):
    opened = (TODAY - 38 * WEEK).isoformat()
    token = runner(
        "family",
        "add",
        "--initials",
        "TWr",
        "--stage",
        "3",
        "--review",
        "2030-01-01",
        "--opened",
        opened,
        "--type",
        "s.31",
    ).output.strip()
    found = runner.json("alerts", "--date", TODAY.isoformat())
    assert [(a["token"], a["rule"], a["due"], a["role"]) for a in found] == [
        (token, "s31-sm", TODAY.isoformat(), "service manager")
    ]
    assert runner.json("alerts", "--date", (TODAY - timedelta(days=1)).isoformat()) == []

    done = runner("alerts", "follow-up", token, "s31-sm", "--date", TODAY.isoformat())
    assert done.exit_code == 0, done.output
    assert runner.json("alerts", "--date", TODAY.isoformat()) == []

    bad = runner("alerts", "--date", "2025-13-01", "--json")
    assert bad.exit_code == 2 and "--date" in bad.output and "Traceback" not in bad.output
    missing = runner("alerts", "follow-up", token, "nonsense", "--date", TODAY.isoformat())
    assert missing.exit_code == 2

    added = runner("alerts", "add", token, "--date", TODAY.isoformat(), "--action", "ring school")
    assert added.exit_code == 0, added.output
    [manager] = runner.json("alerts", "--date", TODAY.isoformat())
    assert manager["rule"] == "manager" and manager["message"] == "ring school"

    assert runner("rules", "set", "s31-sm", "first_weeks=36").exit_code == 0
    rules = runner.json("rules", "list")
    assert rules["holiday_region"] == "England"
    assert {r["key"]: r for r in rules["rules"]}["s31-sm"]["params"]["first_weeks"] == 36
    assert runner("rules", "set", "s31-sm", "first_weeks").exit_code == 2
    assert runner("rules", "region", "Wales").output.strip() == "Wales"
    assert runner("rules", "region", "Mars").exit_code == 2
