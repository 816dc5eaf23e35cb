"""Who made a change (an Actor: user, source, address) is what the store records, whichever
way the change came in; and no library function records a change without being told."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import timedelta

import pytest

from tests.helpers.web import bearer
from webapp.cases import lifecycle, transfers
from webapp.cases.families import add_family, get_family_row, set_review
from webapp.store import access_log, events
from webapp.values.actor import Actor

#: A client address no test client uses by default (TEST-NET-3, RFC 5737).
ADDRESS = "203.0.113.9"


def last_event(store, family_id: int) -> dict:
    return next(store["events"].rows_where("family_id = ?", [family_id], order_by="id desc"))


def last_entry(store, action: str) -> dict:
    return next(store["audit"].rows_where("action = ?", [action], order_by="id desc"))


def test_a_change_on_a_page_records_the_signed_in_user_the_web_and_the_address(
    client_for, store, users, family, today
):
    row = get_family_row(store, family("TWr")["token"])
    new = (today + timedelta(days=40)).isoformat()
    response = client_for("manager").form(
        f"/t/{row['token']}/review", {"review": new}, environ_base={"REMOTE_ADDR": ADDRESS}
    )
    assert response.status_code == 302
    event = last_event(store, row["id"])
    assert (event["kind"], event["user_id"], event["source"]) == (
        events.REVIEW_SET, users["manager"]["id"], "web"
    )  # fmt: skip
    entry = last_entry(store, access_log.REVIEW_SET)
    assert (entry["target"], entry["user_id"], entry["source"], entry["ip"]) == (
        row["token"], users["manager"]["id"], "web", ADDRESS
    )  # fmt: skip


def test_a_change_through_the_api_records_the_tokens_user_the_api_and_the_address(
    client, store, users, api_tokens, family
):
    row = get_family_row(store, family("TWr")["token"])
    response = client.patch(
        f"/api/tiles/{row['token']}",
        json={"stage": 3},
        headers=bearer(api_tokens, "manager"),
        environ_base={"REMOTE_ADDR": ADDRESS},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    event = last_event(store, row["id"])
    assert (event["kind"], event["user_id"], event["source"]) == (
        events.STAGE_MOVED, users["manager"]["id"], "api"
    )  # fmt: skip
    entry = last_entry(store, access_log.STAGE_MOVE)
    assert (entry["target"], entry["user_id"], entry["source"], entry["ip"]) == (
        row["token"], users["manager"]["id"], "api", ADDRESS
    )  # fmt: skip


def test_a_change_from_the_command_line_records_nobody_the_cli_and_no_address(
    runner, store, family
):
    row = get_family_row(store, family("TWr")["token"])
    result = runner("family", "set", row["token"], "--worker", "Ben Adams")
    assert result.exit_code == 0, result.output
    event = last_event(store, row["id"])
    assert (event["kind"], event["user_id"], event["source"]) == (events.CHANGED, None, "cli")
    entry = last_entry(store, access_log.CASE_CHANGE)
    assert (entry["target"], entry["user_id"], entry["source"], entry["ip"]) == (
        row["token"], None, "cli", None
    )  # fmt: skip


def test_a_case_closed_on_a_page_is_logged_without_the_address_as_it_always_was(
    client_for, store, users, family
):
    row = get_family_row(store, family("TWr")["token"])
    form = {"closed_as": "closed", "views": ["child", "family", "network"], "scaling": "8"}
    response = client_for("manager").form(
        f"/t/{row['token']}/close", form, environ_base={"REMOTE_ADDR": ADDRESS}
    )
    assert response.status_code == 302
    assert last_event(store, row["id"])["source"] == "web"
    entry = last_entry(store, access_log.CASE_CLOSE)
    assert (entry["user_id"], entry["source"], entry["ip"]) == (users["manager"]["id"], "web", None)


def test_the_library_records_the_actor_it_is_given(store, team, users, family):
    row = get_family_row(store, family("TWr")["token"])
    who = Actor(user=users["admin"]["id"], source="demo", address="198.51.100.7")
    set_review(store, row, team, "2031-01-06", actor=who)
    event = last_event(store, row["id"])
    assert (event["user_id"], event["source"]) == (users["admin"]["id"], "demo")
    access_log.record(store, team["id"], access_log.READ, row["token"], actor=who)
    entry = last_entry(store, access_log.READ)
    assert (entry["user_id"], entry["source"], entry["ip"]) == (who.user, "demo", who.address)


@pytest.mark.parametrize(
    "change",
    [
        lambda store, team, row: add_family(
            store, team, initials="ABc", stage=1, review="2030-01-01"
        ),
        lambda store, team, row: set_review(store, row, team, "2031-01-06"),
        lambda store, team, row: lifecycle.set_case(store, row, team, worker="Ben Adams"),
        lambda store, team, row: transfers.transfer_case(store, row, team, "Elsewhere"),
        lambda store, team, row: events.record_event(store, team, row["id"], events.CHANGED),
        lambda store, team, row: access_log.record(store, team["id"], access_log.READ),
    ],
    ids=["add_family", "set_review", "set_case", "transfer_case", "record_event", "record"],
)
def test_a_change_without_an_actor_is_a_type_error_and_writes_nothing(store, team, family, change):
    row = get_family_row(store, family("TWr")["token"])
    before = (store["families"].count, store["events"].count, store["audit"].count)
    with pytest.raises(TypeError, match="actor"):
        change(store, team, row)
    assert (store["families"].count, store["events"].count, store["audit"].count) == before


def test_every_library_function_that_records_who_takes_actor_as_a_required_keyword():
    from webapp.cases import imports, meetings, tile_changes
    from webapp.meeting import outcomes
    from webapp.printing import queues
    from webapp.scans import applying, previews

    for func in (events.record_event, access_log.record, add_family, set_review,
                 lifecycle.set_case, lifecycle.close_case, lifecycle.reopen_case,
                 transfers.transfer_case, tile_changes.change_tile, imports.import_export,
                 meetings.start_meeting, outcomes.record_outcome, queues.mark_tiles_printed,
                 previews.preview_scan, applying.apply_scan):  # fmt: skip
        actor = inspect.signature(func).parameters["actor"]
        assert actor.kind is inspect.Parameter.KEYWORD_ONLY, func.__qualname__
        assert actor.default is inspect.Parameter.empty, func.__qualname__


def test_an_actor_is_a_value_and_its_named_ways_in_say_where_it_came_from():
    assert Actor.cli() == Actor(user=None, source="cli", address=None)
    assert Actor.web(7, ADDRESS) == Actor(user=7, source="web", address=ADDRESS)
    assert Actor.api(7).source == "api" and Actor.camera().source == "camera"
    assert Actor.watch().source == "watch" and Actor.demo(3).user == 3
    assert Actor.web(7, ADDRESS).without_address() == Actor.web(7)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Actor.cli().user = 1
    with pytest.raises(TypeError):
        Actor(7, "web")  # keywords only: a user id is never mistaken for a source
