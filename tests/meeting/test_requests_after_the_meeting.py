"""A practitioner's request to discuss a case: the button says it is done, and a request
made after this week's meeting was held goes to the next one."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers.web import flatten, text
from webapp.accounts.teams import update_team_settings
from webapp.cases import meetings
from webapp.values.actor import Actor
from webapp.web.dates import longdate


def test_the_button_changes_after_asking(client_for, family, today):
    view = family("QTe", stage=4, due=120)
    client = client_for("practitioner")
    tile = text(client.get(f"/t/{view['token']}"))
    assert "Add to this week's agenda" in tile
    answer = client.post(f"/t/{view['token']}/agenda-request", follow_redirects=True)
    page = flatten(text(answer))
    assert "Add to this week's agenda" not in page
    assert f"You asked for QTe to be discussed at the meeting of {longdate(today)}" in page
    assert f"QTe is on the agenda for the meeting of {longdate(today)}." in page
    assert today.isoformat() not in page


def test_a_request_after_the_meeting_goes_to_next_weeks(client_for, family, store, team, today):
    """The team meets today; the meeting was held and closed, then a practitioner asks."""
    team = update_team_settings(store, team, meeting_day=today.strftime("%A"))
    meetings.start_meeting(store, team, today, actor=Actor.cli())
    meetings.close_meeting(store, team, today, actor=Actor.cli())
    view = family("LAt", stage=2, due=60)
    client = client_for("practitioner")
    page = flatten(text(client.post(f"/t/{view['token']}/agenda-request", follow_redirects=True)))
    next_week = today + timedelta(days=7)
    assert f"on the agenda for the meeting of {longdate(next_week)}" in page
    row = store["agenda_requests"].get(1)
    assert row["meeting_date"] == next_week.isoformat()


def test_a_request_before_the_meeting_closes_stays_this_week(
    client_for, family, store, team, today
):
    team = update_team_settings(store, team, meeting_day=today.strftime("%A"))
    meetings.start_meeting(store, team, today, actor=Actor.cli())  # still being held
    view = family("LAt", stage=2, due=60)
    client_for("practitioner").post(f"/t/{view['token']}/agenda-request")
    assert store["agenda_requests"].get(1)["meeting_date"] == today.isoformat()


def test_supervision_heading_and_sessions_in_words(client_for):
    page = text(client_for("manager").get("/supervision?month=2026-11"))
    assert "Supervision coverage, November 2026" in page
    assert "2026-11" not in page.split("<form", 1)[0]
