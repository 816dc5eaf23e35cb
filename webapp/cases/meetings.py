"""The weekly Case Progression meeting itself: its date, starting and closing it, and
the meetings held before."""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

from webapp.cases.teams import team_settings, team_today
from webapp.errors import BadInput
from webapp.store import events
from webapp.store.connection import utcnow

#: Without a previous meeting, "since the last meeting" means the last week.
DEFAULT_WINDOW_DAYS = 7
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def meeting_weekday(team: dict) -> int | None:
    """The team's meeting day (0 = Monday), or None when the team has not set one."""
    name = team_settings(team).get("meeting_day")
    return WEEKDAYS.index(name) if name in WEEKDAYS else None


def next_meeting_date(team: dict, today: date | None = None) -> date:
    """The date of "this week's" meeting: the team's meeting day on or after today.

    A team with no meeting day set meets whenever it opens the agenda: today.
    """
    today = today or team_today(team)
    weekday = meeting_weekday(team)
    if weekday is None:
        return today
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def get_meeting(db: Database, team: dict, on: date) -> dict | None:
    rows = list(
        db["meetings"].rows_where("team_id = ? and meeting_date = ?", [team["id"], on.isoformat()])
    )
    return rows[0] if rows else None


def previous_meeting(db: Database, team: dict, on: date) -> dict | None:
    """The last meeting held before ``on``."""
    rows = list(
        db["meetings"].rows_where(
            "team_id = ? and meeting_date < ?",
            [team["id"], on.isoformat()],
            order_by="meeting_date desc",
            limit=1,
        )
    )
    return rows[0] if rows else None


def since_date(db: Database, team: dict, on: date) -> date:
    """Changes strictly after this date count as "since the last meeting"."""
    previous = previous_meeting(db, team, on)
    if previous:
        return date.fromisoformat(previous["meeting_date"])
    return on - timedelta(days=DEFAULT_WINDOW_DAYS)


def start_meeting(db: Database, team: dict, on: date, user_id: int | None) -> dict:
    """Record that the meeting of ``on`` is being held (idempotent; reopens a closed one)."""
    existing = get_meeting(db, team, on)
    if existing:
        if existing["closed_at"]:
            db["meetings"].update(existing["id"], {"closed_at": None, "closed_by": None})
        return db["meetings"].get(existing["id"])
    pk = (
        db["meetings"]
        .insert(
            {
                "team_id": team["id"],
                "meeting_date": on.isoformat(),
                "started_at": utcnow(),
                "chaired_by": user_id,
            }
        )
        .last_pk
    )
    return db["meetings"].get(pk)


def close_meeting(db: Database, team: dict, on: date, user_id: int | None) -> dict:
    """Mark the meeting of ``on`` as finished. Open requests carry over to the next one."""
    meeting = get_meeting(db, team, on)
    if meeting is None:
        raise BadInput(f"no meeting was started on {on.isoformat()}")
    if meeting["closed_at"]:
        raise BadInput(f"the meeting of {on.isoformat()} is already closed")
    db["meetings"].update(meeting["id"], {"closed_at": utcnow(), "closed_by": user_id})
    return db["meetings"].get(meeting["id"])


def recent_meetings(db: Database, team: dict, limit: int = 10) -> list[dict]:
    """Meetings held, newest first, with the chair's name and the outcomes recorded."""
    return list(
        db.query(
            """select m.*, u.username as chair,
                 (select count(*) from events e where e.team_id = m.team_id
                    and e.kind = ? and json_extract(e.detail, '$.meeting_date') = m.meeting_date)
                   as outcomes
               from meetings m left join users u on u.id = m.chaired_by
               where m.team_id = ? order by m.meeting_date desc limit ?""",
            [events.OUTCOME, team["id"], limit],
        )
    )
