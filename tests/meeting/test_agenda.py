"""The agenda's reasons and order, requests, outcomes, and `caseboard agenda`."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from webapp.accounts.teams import update_team_settings
from webapp.cases import meetings
from webapp.cases.families import get_family_row, move_stage
from webapp.errors import BadInput
from webapp.meeting import agenda, outcomes
from webapp.store import events
from webapp.values.actor import Actor
from webapp.values.workdays import WEEKDAYS


def backdate(store, token: str, days: int) -> None:
    """Make a family look as if it was registered ``days`` ago."""
    row = get_family_row(store, token)
    old = store.execute("select date('now', ?)", [f"-{days} days"]).fetchone()[0]
    store["families"].update(row["id"], {"created_at": f"{old}T09:00:00+00:00"})
    store.execute(
        "update events set on_date = ?, at = ? where family_id = ? and kind = ?",
        [old, f"{old}T09:00:00+00:00", row["id"], events.CREATED],
    )


@pytest.fixture
def board(store, team, today, family, users):
    """One family per reason, all registered a month ago except the new one."""
    made = {
        "red2": family("RDa", stage=2, due=-3),
        "red1": family("RDb", stage=1, due=-10),
        "amber": family("AMb", stage=3, due=4),
        "moved": family("MVc", stage=2, due=60),
        "requested": family("RQd", stage=5, due=90),
        "quiet": family("QTe", stage=4, due=120),
    }
    for view in made.values():
        backdate(store, view["token"], 30)
    made["new"] = family("NWf", stage=1, due=45)
    move_stage(store, get_family_row(store, made["moved"]["token"]), team, 3, actor=Actor.cli())
    outcomes.request_discussion(
        store,
        team,
        get_family_row(store, made["requested"]["token"]),
        note="stuck on the plan",
        actor=Actor.web(users["practitioner"]["id"]),
    )
    return made


def test_agenda_orders_reasons_then_board_order(store, team, today, board):
    items = agenda.build_agenda(store, team, today)
    got = [(i["reason"], i["initials"]) for i in items]
    assert got == [
        ("red", "RDb"),  # stage 1 before stage 2
        ("red", "RDa"),
        ("amber", "AMb"),
        ("moved", "MVc"),
        ("new", "NWf"),
        ("requested", "RQd"),
    ]
    moved = items[3]
    assert moved["details"]["moved"]["from"] == 2 and moved["details"]["moved"]["to"] == 3
    assert moved["stage"] == 3 and moved["stage_name"] == "Building the desire to change"
    requested = items[-1]["details"]["requested"]
    assert requested == [{"by": "practitioner", "note": "stuck on the plan", "on": str(today)}]
    assert "QTe" not in {i["initials"] for i in items}


def test_a_family_appears_once_under_its_most_urgent_reason(store, team, today, family, users):
    view = family("ABc", stage=2, due=-1)  # new and red
    outcomes.request_discussion(
        store, team, get_family_row(store, view["token"]), actor=Actor.web(users["manager"]["id"])
    )
    items = agenda.build_agenda(store, team, today)
    assert len(items) == 1
    assert items[0]["reason"] == "red"
    assert items[0]["reasons"] == ["red", "new", "requested"]


def test_since_the_last_meeting_counts_from_the_previous_meeting(store, team, today, family):
    view = family("ABc", stage=1, due=60)
    backdate(store, view["token"], 3)
    assert [i["reason"] for i in agenda.build_agenda(store, team, today)] == ["new"]
    meetings.start_meeting(store, team, today - timedelta(days=1), actor=Actor.cli())
    assert meetings.since_date(store, team, today) == today - timedelta(days=1)
    assert agenda.build_agenda(store, team, today) == []


def test_meeting_day_sets_this_weeks_date(team, store, today):
    weekday = WEEKDAYS[(today.weekday() + 2) % 7]
    team = update_team_settings(store, team, meeting_day=weekday)
    assert meetings.next_meeting_date(team, today) == today + timedelta(days=2)
    assert meetings.next_meeting_date(team, today + timedelta(days=2)) == today + timedelta(days=2)


def test_recording_an_outcome_changes_date_and_stage_and_keeps_the_item(
    store, team, today, board, users
):
    row = get_family_row(store, board["red1"]["token"])
    new_date = today + timedelta(days=28)
    outcomes.record_outcome(
        store,
        team,
        row,
        review=new_date,
        stage=2,
        note="Plan agreed; review in four weeks",
        meeting_date=today,
        actor=Actor.web(users["manager"]["id"]),
    )
    after = get_family_row(store, row["token"])
    assert after["next_review"] == new_date.isoformat() and after["stage"] == 2
    kinds = [e["kind"] for e in events.family_history(store, row["id"])]
    assert kinds[:3] == [events.OUTCOME, events.STAGE_MOVED, events.REVIEW_SET]
    outcome = events.family_history(store, row["id"])[0]["detail"]
    assert outcome["note"] == "Plan agreed; review in four weeks"
    assert outcome["review"] == {"from": row["next_review"], "to": new_date.isoformat()}
    # Now green, but it stays where it was discussed, with its outcome shown.
    item = next(i for i in agenda.build_agenda(store, team, today) if i["token"] == row["token"])
    assert item["reason"] == "red" and item["status"] == "green"
    assert item["outcome"]["note"].startswith("Plan agreed")
    assert meetings.get_meeting(store, team, today)["chaired_by"] == users["manager"]["id"]


def test_an_outcome_resolves_requests(store, team, today, board, users):
    row = get_family_row(store, board["requested"]["token"])
    outcomes.record_outcome(
        store,
        team,
        row,
        note="Discussed",
        meeting_date=today,
        actor=Actor.web(users["manager"]["id"]),
    )
    assert store["agenda_requests"].count_where("resolved_at is null") == 0
    tomorrow = today + timedelta(days=1)
    assert "RQd" not in {i["initials"] for i in agenda.build_agenda(store, team, tomorrow)}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"note": "  "}, "short note"),
        ({"note": "x" * 501}, "at most 500"),
        ({"note": "ok", "review": "2020-01-01"}, "on or after"),
        ({"note": "ok", "stage": 7}, "stage must be"),
        ({"note": "ok", "review": "31/12/2030"}, "YYYY-MM-DD"),
    ],
)
def test_bad_outcomes_change_nothing(store, team, today, family, users, fields, message):
    row = get_family_row(store, family("ABc", due=-2)["token"])
    with pytest.raises(BadInput, match=message):
        outcomes.record_outcome(
            store, team, row, meeting_date=today, **fields, actor=Actor.web(users["manager"]["id"])
        )
    assert store["events"].count_where("kind = ?", [events.OUTCOME]) == 0
    assert get_family_row(store, row["token"])["next_review"] == row["next_review"]


def test_one_open_request_per_person(store, team, family, users):
    row = get_family_row(store, family("ABc")["token"])
    outcomes.request_discussion(store, team, row, actor=Actor.web(users["practitioner"]["id"]))
    with pytest.raises(BadInput, match="already asked"):
        outcomes.request_discussion(store, team, row, actor=Actor.web(users["practitioner"]["id"]))


def test_cli_agenda_json_table_and_bad_date(runner, today, board):
    team_option = ["--team", "Team"]  # the users fixture adds a second team
    result = runner("agenda", "--json", "--date", today.isoformat(), *team_option)
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert [i["reason"] for i in items] == ["red", "red", "amber", "moved", "new", "requested"]
    assert all({"token", "stage", "reason"} <= set(i) for i in items)
    table = runner("agenda", *team_option)
    assert table.exit_code == 0 and "RDb" in table.output and "REASON" in table.output
    bad = runner("agenda", "--date", "2026-02-30", *team_option)
    assert bad.exit_code == 2
    assert bad.output.strip().splitlines() == [
        "Error: --date must be a real date as YYYY-MM-DD, not '2026-02-30'"
    ]


def test_cli_agenda_pdf(runner, tmp_path, board):
    import pypdfium2

    out = tmp_path / "agenda.pdf"
    result = runner("agenda", "--team", "Team", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = pypdfium2.PdfDocument(str(out))[0]
    text = " ".join(page.get_textpage().get_text_range().split())
    for expected in ("Red: overdue", "RDb", "Moved stage", "stuck on the plan"):
        assert expected in text


def test_open_alerts_come_after_amber(store, team, today, family):
    from webapp.rules.alert_records import add_manager_alert

    amber = family("AMb", stage=3, due=4)
    alerted = family("ALc", stage=1, due=100)
    for view in (amber, alerted):
        backdate(store, view["token"], 30)
    add_manager_alert(
        store,
        team,
        alerted["token"],
        due_on=today,
        action="request school information",
        actor=Actor.cli(),
    )
    items = agenda.build_agenda(store, team, today)
    assert [(i["reason"], i["initials"]) for i in items] == [("amber", "AMb"), ("alert", "ALc")]
    assert "request school information" in items[1]["summary"]


def test_keeping_an_overdue_date_is_no_change(store, team, today, family, users):
    """The outcome form shows the current date; a note alone must save for a red tile."""
    row = get_family_row(store, family("ABc", due=-2)["token"])
    outcomes.record_outcome(
        store,
        team,
        row,
        review=row["next_review"],
        stage=row["stage"],
        note="Escalate",
        meeting_date=today,
        actor=Actor.web(users["manager"]["id"]),
    )
    history = events.family_history(store, row["id"])
    assert [e["kind"] for e in history][0] == events.OUTCOME
    assert "review" not in history[0]["detail"] and "stage" not in history[0]["detail"]
