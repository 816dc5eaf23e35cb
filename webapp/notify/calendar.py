"""Each user's private calendar feed (iCalendar, built with ``icalendar``): their clinic
bookings and their teams' weekly meetings, for Outlook or any calendar to subscribe to.

The feed's URL holds a random token; only its SHA-256 digest is stored
(``users.feed_token_hash``), so the link is shown once, and making a new one (or
stopping the feed) revokes the old. Events name cases by board code, as the wall does.
Whose bookings: managers, service managers, heads of practice and admins see every
booking of the teams they read; a practitioner sees the bookings they made or whose
case's worker is them.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlite_utils import Database

from tilegen import domain
from webapp.accounts.people import is_their_case, user_teams
from webapp.accounts.teams import public_base_url
from webapp.cases.meetings import meeting_weekday
from webapp.practice.clinic import PURPOSE_LABELS
from webapp.values.workdays import WEEKDAYS

PRODID = "-//caseboard//calendar feed//EN"
ALL_BOOKINGS = ("admin", "manager", "service-manager", "head-of-practice")
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(db: Database, user: dict) -> str:
    """A new feed token for ``user``; the old link stops working."""
    token = secrets.token_urlsafe(24)
    db["users"].update(user["id"], {"feed_token_hash": _digest(token)})
    return token


def stop_feed(db: Database, user: dict) -> None:
    db["users"].update(user["id"], {"feed_token_hash": None})


def has_feed(user: dict) -> bool:
    return bool(user.get("feed_token_hash"))


def user_for_feed(db: Database, token: str) -> dict | None:
    """The active user whose feed token this is, or None."""
    rows = list(
        db["users"].rows_where("feed_token_hash = ? and active = 1", [_digest(token or "")])
    )
    return rows[0] if rows else None


def _is_theirs(user: dict, booking: dict) -> bool:
    return booking["user_id"] == user["id"] or is_their_case(booking["worker"], user)


def _bookings(db: Database, user: dict, team: dict, since: date) -> list[dict]:
    rows = db.query(
        """select b.*, f.token, f.initials, f.worker from clinic_bookings b
           join families f on f.id = b.family_id
           where b.team_id = ? and b.day >= ? order by b.day, b.start""",
        [team["id"], since.isoformat()],
    )
    return [b for b in rows if user["role"] in ALL_BOOKINGS or _is_theirs(user, b)]


def _booking_event(booking: dict, team: dict, base: str, zone: ZoneInfo) -> icalendar.Event:
    start = datetime.combine(
        date.fromisoformat(booking["day"]),
        datetime.strptime(booking["start"], "%H:%M").time(),
        tzinfo=zone,
    )
    event = icalendar.Event()
    event.add("uid", f"clinic-{booking['id']}@caseboard")
    event.add("summary", f"Clinic: {booking['initials']} ({PURPOSE_LABELS[booking['purpose']]})")
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=booking["minutes"]))
    event.add("dtstamp", datetime.fromisoformat(booking["created_at"]))
    event.add("location", f"Case Progression Clinic, {team['name']}")
    event.add("url", f"{base}/t/{booking['token']}")
    event.add("description", f"The tile page, after logging in: {base}/t/{booking['token']}")
    return event


def _meeting_event(team: dict, weekday: int, base: str, today: date) -> icalendar.Event:
    first = today + timedelta(days=(weekday - today.weekday()) % 7)
    event = icalendar.Event()
    event.add("uid", f"meeting-team-{team['id']}@caseboard")
    event.add("summary", f"Case Progression meeting: {team['name']}")
    event.add("dtstart", first)  # an all-day event: teams set the day, not the hour
    event.add("dtend", first + timedelta(days=1))
    event.add("dtstamp", datetime.now(ZoneInfo("UTC")))
    event.add("rrule", {"freq": "weekly", "byday": BYDAY[weekday]})
    event.add("description", f"The weekly meeting every {WEEKDAYS[weekday]}: {base}/agenda")
    return event


def feed(db: Database, user: dict, today: date | None = None) -> bytes:
    """The user's calendar as iCalendar bytes: bookings from four weeks back on, and a
    weekly meeting for each of their teams that has set a meeting day."""
    today = today or domain.today()
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"caseboard: {user['username']}")
    for team in user_teams(db, user):
        zone = ZoneInfo(team.get("timezone") or domain.DEFAULT_TIMEZONE)
        base = public_base_url(db, team)
        for booking in _bookings(db, user, team, today - timedelta(weeks=4)):
            cal.add_component(_booking_event(booking, team, base, zone))
        weekday = meeting_weekday(team)
        if weekday is not None:
            cal.add_component(_meeting_event(team, weekday, base, today))
    cal.add_missing_timezones()
    return cal.to_ical()
