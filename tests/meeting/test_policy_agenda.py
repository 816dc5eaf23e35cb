"""The agenda as the Kent Case Progression Policy means it (docs/contract.md §5, §12):
tiles that came after the last meeting are new, and a case whose scaling has not moved
is ``stuck``."""

from __future__ import annotations

from datetime import date, timedelta

from webapp.cases.families import add_family, get_family_row
from webapp.cases.meetings import start_meeting
from webapp.cases.transfers import transfer_case
from webapp.meeting import agenda, outcomes
from webapp.values.actor import Actor


def days(today):
    """(last week's meeting, this week's): the agenda reads tiles registered by today."""
    return today - timedelta(days=7), today


def registered_on(store, view, day):
    """As if the family had been registered on ``day`` (its CREATED event's date)."""
    store.execute(
        "update events set on_date = ? where family_id = ? and kind = 'created'",
        [day.isoformat(), view["id"]],
    )
    store.conn.commit()


def item_for(store, team, on, token):
    return next((i for i in agenda.build_agenda(store, team, on) if i["token"] == token), None)


def test_a_tile_registered_after_the_meeting_on_its_day_is_new_next_week(store, team, users, today):
    """ "Case Progression Meetings – Where the boards are used to identify when families
    are progressing onto a new part of their plan" (§5): a family registered on the
    meeting day, after the meeting, is new at the next one."""
    MEETING, NEXT = days(today)
    early = add_family(store, team, initials="EAr", stage=1, review="2030-01-01",
                       opened=MEETING - timedelta(days=3), actor=Actor.cli())  # fmt: skip
    registered_on(store, early, MEETING)
    start_meeting(store, team, MEETING, actor=Actor.web(users["manager"]["id"]))
    row = get_family_row(store, early["token"])
    outcomes.record_outcome(store, team, row, note="plan agreed",
                            meeting_date=MEETING,
                            actor=Actor.web(users["manager"]["id"]))  # fmt: skip
    late = add_family(
        store, team, initials="LAt", stage=1, review="2030-01-01", opened=MEETING, actor=Actor.cli()
    )
    registered_on(store, late, MEETING)  # after the meeting: nothing recorded for it
    item = item_for(store, team, NEXT, late["token"])
    assert item is not None and item["reason"] == "new"
    assert item_for(store, team, NEXT, early["token"]) is None  # discussed last week


def test_a_transferred_in_tile_is_new(store, team, other_team, today):
    """ "Each sensible family group is represented on a magnetic tile" (§5): a tile that
    arrives from another team is new on the receiving team's next agenda."""
    _, NEXT = days(today)
    moved = add_family(store, other_team, initials="TRa", stage=2, review="2030-01-01",
                       opened=date(2025, 6, 2), actor=Actor.cli())  # fmt: skip
    transfer_case(store, get_family_row(store, moved["token"]), other_team, team["name"],
                  on=NEXT - timedelta(days=3), actor=Actor.cli())  # fmt: skip
    item = item_for(store, team, NEXT, moved["token"])
    assert item is not None and item["reason"] == "new"
    assert item["details"]["new"]["transferred"] is True
    assert "transferred in" in item["summary"]


def test_scaling_unmoved_is_the_stuck_reason(store, team, users, today):
    """ "Progress toward identified outcomes is tracked and stuck cases are reviewed in a
    timely way preventing drift" (§11); "Red items come first, then amber, then stuck"
    (contract §5)."""
    MEETING = today
    case = add_family(store, team, initials="STk", stage=3, review="2030-01-01",
                      opened=date(2025, 6, 2), actor=Actor.cli())  # fmt: skip
    for weeks in (3, 2, 1):
        on = MEETING - timedelta(weeks=weeks)
        outcomes.record_outcome(store, team, get_family_row(store, case["token"]),
                                note="reviewed", meeting_date=on,
                                scaling=4, actor=Actor.web(users["manager"]["id"]))  # fmt: skip
    item = item_for(store, team, MEETING, case["token"])
    assert item is not None and item["reason"] == "stuck"
    assert item["details"]["stuck"] == {"scaling": 4, "meetings": 3}
    assert "possibly stuck: scaling 4 at the last 3 meetings" in item["summary"]
