"""The meeting record as the Kent Case Progression Policy means it (§6, §9;
docs/contract.md §16)."""

from datetime import date, timedelta

import pytest

from webapp.accounts.users import add_user
from webapp.cases.meetings import authorise_record, meeting_record, record_meeting
from webapp.errors import BadInput
from webapp.values.actor import Actor

PASSWORD = "a long enough password"
MET = date(2026, 3, 5)


def test_a_meeting_in_the_future_is_refused(runner, store, team, today):
    """ "It is the responsibility of the administrator attending the meeting" to record
    it (§9): a meeting that has not happened cannot have been attended."""
    ahead = (today + timedelta(days=3)).isoformat()
    refused = runner("meeting", "record", "--date", ahead, "--attended", "Ann,Ben")
    assert refused.exit_code == 2 and "has not happened yet" in refused.output
    assert store["meetings"].count == 0
    with pytest.raises(BadInput, match="has not happened yet"):
        record_meeting(
            store, team, date(2026, 3, 6), attended="Ann,Ben", today=MET, actor=Actor.cli()
        )
    assert (
        record_meeting(store, team, MET, attended="Ann,Ben", today=MET, actor=Actor.cli())["held"]
        is True
    )


def test_only_a_manager_or_admin_of_the_same_team_authorises(runner, store, team, other_team):
    """ "It is the responsibility of the Team Manager to authorise the wording of the
    record" (§9): not another team's admin or manager."""
    record_meeting(
        store, team, MET, attended="Ann,Ben", administrator="Dee", today=MET, actor=Actor.cli()
    )
    outsider = add_user(store, "outsider", "admin", PASSWORD, other_team["name"])
    their_tm = add_user(store, "their-tm", "manager", PASSWORD, other_team["name"])
    for user in (outsider, their_tm):
        with pytest.raises(BadInput, match="is not"):
            authorise_record(store, team, MET, user)
    refused = runner("meeting", "authorise", "--team", "Team", "--date", MET.isoformat(),
                     "--by", "outsider")  # fmt: skip
    assert refused.exit_code == 2 and "is not an admin of Team" in refused.output
    assert meeting_record(store, team, MET)["authorised_by"] is None
    add_user(store, "tm", "manager", PASSWORD, team["name"])
    done = runner("meeting", "authorise", "--team", "Team", "--date", MET.isoformat(), "--by", "tm")
    assert done.exit_code == 0, done.output
    assert meeting_record(store, team, MET)["authorised_by"] == "tm"


def test_one_attendee_is_not_a_meeting_and_the_unexcused_are_named(store, team, add):
    """ "The whole team should: Attend the meeting every week unless their absence is
    agreed appropriate by the Team Manager" (§6)."""
    for initials, worker in (("AAa", "Ann"), ("BBb", "ben  smith"), ("CCc", "Cat")):
        add(initials=initials, worker=worker, opened=date(2025, 6, 2))
    alone = record_meeting(store, team, MET, attended="Ann", today=MET, actor=Actor.cli())
    assert alone["held"] is False
    assert alone["unaccounted"] == ["ben smith", "Cat"]
    record = record_meeting(
        store, team, MET, attended="Ann, Ben Smith", absent="cat", today=MET, actor=Actor.cli()
    )
    assert record["held"] is True and record["unaccounted"] == []


def test_attendance_and_authorisation_are_in_the_drift_report(runner, store, team, add):
    """ "Quality assurance arrangements should involve ... each Case Progression meeting
    is audited" (§11): the drift report shows who came and whether the record was
    authorised."""
    add(initials="AAa", worker="Ann", opened=date(2025, 6, 2))
    add(initials="BBb", worker="Ben", opened=date(2025, 6, 2))
    record_meeting(
        store, team, MET, attended="Ann", administrator="Dee", today=MET, actor=Actor.cli()
    )
    report = runner.json("report", "drift", "--date", "2026-03-20")
    [meeting] = report["meetings"]
    assert meeting == {
        "date": MET.isoformat(),
        "attended": 1,
        "agreed_absences": 0,
        "recorded": True,
        "held": False,
        "unaccounted": ["Ben"],
        "authorised": False,
        "authorised_by": None,
    }
