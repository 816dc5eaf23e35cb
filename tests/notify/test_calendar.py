"""Each user's private iCalendar feed: clinic bookings and the weekly meeting, behind a
revocable token."""

from __future__ import annotations

import re
from datetime import timedelta

import icalendar

from tests.helpers.web import AuthActions
from webapp.accounts.teams import update_team_settings
from webapp.practice.clinic import book
from webapp.practice.clinic_days import next_clinic
from webapp.values.actor import Actor


def _new_link(client) -> str:
    page = client.post("/me/calendar", follow_redirects=True).get_data(as_text=True)
    return re.search(r"(/calendar/[\w-]+\.ics)", page).group(1)


def test_a_practitioner_subscribes_to_their_clinic_bookings_and_the_meeting(
    app, store, team, family, add_person, today
):
    update_team_settings(store, team, meeting_day="Wednesday")
    pat = add_person("pat", "practitioner", email="pat@council.example")
    mine = family("TWr", stage=2, due=30, worker="pat", ref="REF-SECRET")
    other = family("JSm", stage=2, due=30, worker="someone")
    thursday = next_clinic(today + timedelta(days=1))
    book(store, team, mine["token"], day=thursday, start="14:00", purpose="lpm", actor=Actor.cli())
    book(store, team, other["token"], day=thursday, start="14:30", purpose="lpm", actor=Actor.cli())
    client = app.test_client()
    AuthActions(client).login("pat")

    link = _new_link(client)
    answer = client.get(link)
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(answer.data)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {
        "Clinic: TWr (Legal Planning Meeting preparation)",
        "Case Progression meeting: Team",
    }
    clinic = events["Clinic: TWr (Legal Planning Meeting preparation)"]
    start = clinic.decoded("dtstart")
    assert (start.date(), start.hour, str(start.tzinfo)) == (thursday, 14, "Europe/London")
    assert clinic.decoded("dtend") - start == timedelta(minutes=30)
    assert clinic["url"].endswith(f"/t/{mine['token']}")
    meeting = events["Case Progression meeting: Team"]
    assert meeting["rrule"]["BYDAY"] == ["WE"] and meeting.decoded("dtstart").weekday() == 2
    assert cal.walk("VTIMEZONE")  # Outlook needs the zone spelled out
    assert b"REF-SECRET" not in answer.data
    assert store["users"].get(pat["id"])["feed_token_hash"] not in link  # only a digest kept

    newer = _new_link(client)  # a new link revokes the old one
    assert client.get(link).status_code == 404 and client.get(newer).status_code == 200
    client.post("/me/calendar/stop")
    assert client.get(newer).status_code == 404
    assert client.get("/calendar/made-up.ics").status_code == 404


def test_a_manager_sees_every_booking_of_the_team(app, store, team, family, add_person, today):
    add_person("mo", "manager")
    a, b = family("TWr", stage=2, due=30), family("JSm", stage=2, due=30)
    thursday = next_clinic(today + timedelta(days=1))
    book(store, team, a["token"], day=thursday, start="14:00", purpose="lpm", actor=Actor.cli())
    book(
        store,
        team,
        b["token"],
        day=thursday,
        start="14:30",
        purpose="pre-proceedings",
        actor=Actor.cli(),
    )
    client = app.test_client()
    AuthActions(client).login("mo")
    cal = icalendar.Calendar.from_ical(client.get(_new_link(client)).data)
    assert len(cal.walk("VEVENT")) == 2  # no meeting day set: no meeting event
