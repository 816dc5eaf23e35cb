"""Signs of Safety scaling on meeting outcomes, and the agenda's "possibly stuck" note."""

from __future__ import annotations

from datetime import timedelta

import pytest

from webapp.cases.families import get_family_row
from webapp.errors import BadInput
from webapp.meeting import agenda, outcomes
from webapp.store import events
from webapp.values.actor import Actor


def scale(store, team, users, token, day, score):
    row = get_family_row(store, token)
    outcomes.record_outcome(
        store,
        team,
        row,
        note="reviewed",
        meeting_date=day,
        scaling=score,
        actor=Actor.web(users["manager"]["id"]),
    )


def item_for(store, team, on, token):
    return next(i for i in agenda.build_agenda(store, team, on) if i["token"] == token)


def test_manager_records_a_scaling_score_with_the_outcome(client_for, store, family, today):
    view = family("RDa", due=-3)
    client = client_for("manager")
    data = {"date": today.isoformat(), "note": "Plan agreed", "scaling": "6"}
    assert client.post(f"/agenda/outcome/{view['token']}", data=data).status_code == 302
    history = events.family_history(store, get_family_row(store, view["token"])["id"])
    assert history[0]["detail"]["scaling"] == 6
    html = client.get(f"/agenda?date={today.isoformat()}").get_data(as_text=True)
    assert "scaling 6" in html
    bad = client.post(
        f"/agenda/outcome/{view['token']}",
        data={**data, "scaling": "11"},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 400 and "from 0 to 10" in bad.get_json()["error"]


def test_scaling_unmoved_for_three_meetings_is_noted_possibly_stuck(
    store, team, users, family, today
):
    token = family("STk", due=-2, opened=(today - timedelta(days=60)).isoformat())["token"]
    weeks = [today - timedelta(weeks=w) for w in (3, 2, 1)]
    scale(store, team, users, token, weeks[0], 3)
    scale(store, team, users, token, weeks[1], 4)
    scale(store, team, users, token, weeks[2], 4)
    item = item_for(store, team, today, token)
    assert (item["possibly_stuck"], item["scaling"]) == (False, 4)
    scale(store, team, users, token, today, 4)
    item = item_for(store, team, today, token)
    assert item["possibly_stuck"] is True
    assert item["reason"] == "red"  # red comes first; the note says it is possibly stuck
    assert "possibly stuck: scaling 4 at the last 3 meetings" in item["summary"]
    assert item["notes"] == ["possibly stuck: scaling 4 at the last 3 meetings"]


def test_scaling_must_be_a_whole_number_from_0_to_10(store, team, users, family, today):
    token = family("ABc", due=-1)["token"]
    for bad in ("-1", "11", "4.5", "high"):
        with pytest.raises(BadInput, match="from 0 to 10"):
            scale(store, team, users, token, today, bad)
    assert [
        e["kind"] for e in events.family_history(store, get_family_row(store, token)["id"])
    ] == ["created"]
