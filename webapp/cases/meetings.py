"""The weekly Case Progression meeting itself: its date, starting and closing it, and
the meetings held before."""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

from webapp.accounts.people import user_team_ids
from webapp.accounts.teams import team_settings, team_today
from webapp.errors import BadInput
from webapp.store import events
from webapp.store.connection import utcnow
from webapp.values.actor import Actor
from webapp.values.names import name_key
from webapp.values.workdays import WEEKDAYS

#: Without a previous meeting, "since the last meeting" means the last week.
DEFAULT_WINDOW_DAYS = 7


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


def request_meeting_date(db: Database, team: dict, today: date | None = None) -> date:
    """The meeting a request made today is for: this week's, unless that meeting has
    already been held and closed (a request on Monday afternoon after the Monday
    meeting), then the next one: a week on, or the next day for a team that meets
    whenever it opens the agenda."""
    on = next_meeting_date(team, today)
    held = get_meeting(db, team, on)
    if held and held["closed_at"]:
        return on + timedelta(days=1 if meeting_weekday(team) is None else 7)
    return on


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


def start_meeting(db: Database, team: dict, on: date, *, actor: Actor) -> dict:
    """Record that the meeting of ``on`` is being held, chaired by ``actor`` (idempotent;
    reopens a closed one)."""
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
                "chaired_by": actor.user,
            }
        )
        .last_pk
    )
    return db["meetings"].get(pk)


def close_meeting(db: Database, team: dict, on: date, *, actor: Actor) -> dict:
    """Mark the meeting of ``on`` as finished. Open requests carry over to the next one."""
    meeting = get_meeting(db, team, on)
    if meeting is None:
        raise BadInput(f"no meeting was started on {on.isoformat()}")
    if meeting["closed_at"]:
        raise BadInput(f"the meeting of {on.isoformat()} is already closed")
    db["meetings"].update(meeting["id"], {"closed_at": utcnow(), "closed_by": actor.user})
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


# -- the meeting record (Kent Case Progression Policy §6, §8, §9) ------------------------

ATTENDED, AGREED_ABSENCE = "attended", "agreed-absence"
#: One person alone is not a team meeting held.
MIN_ATTENDEES = 2
#: Roles that may authorise the administrator's record: the team manager (and admins).
AUTHORISERS = ("manager", "admin")


def _names(values) -> list[str]:
    """Names from a list or a comma-separated string, stripped, without repeats."""
    if isinstance(values, str):
        values = values.split(",")
    found: list[str] = []
    for value in values or ():
        name = (value or "").strip()
        if name and name not in found:
            found.append(name)
    return found


def record_meeting(
    db: Database,
    team: dict,
    on: date,
    *,
    attended,
    absent=(),
    facilitator: str | None = None,
    administrator: str | None = None,
    actor: Actor,
    today: date | None = None,
) -> dict:
    """Record who attended the meeting of ``on`` (never a day after ``today``), whose
    absence the team manager agreed, who facilitated and which administrator wrote the
    record. Changing the record withdraws an earlier authorisation: the manager
    authorises the wording as it is."""
    today = today or team_today(team)
    if on > today:
        raise BadInput(f"the meeting of {on.isoformat()} has not happened yet (today is {today})")
    attended, absent = _names(attended), _names(absent)
    if not attended:
        raise BadInput("say who attended the meeting")
    both = sorted(set(attended) & set(absent))
    if both:
        raise BadInput(f"{', '.join(both)} cannot both attend and be absent")
    facilitator = (facilitator or "").strip() or None
    administrator = (administrator or "").strip() or None
    with db.atomic():
        meeting = get_meeting(db, team, on) or start_meeting(db, team, on, actor=actor)
        db["meeting_people"].delete_where("meeting_id = ?", [meeting["id"]])
        db["meeting_people"].insert_all(
            [{"meeting_id": meeting["id"], "name": n, "status": ATTENDED} for n in attended]
            + [{"meeting_id": meeting["id"], "name": n, "status": AGREED_ABSENCE} for n in absent]
        )
        db["meetings"].update(
            meeting["id"],
            {
                "facilitator": facilitator,
                "administrator": administrator,
                "authorised_by": None,
                "authorised_at": None,
            },
        )
    return meeting_record(db, team, on)


def authorise_record(db: Database, team: dict, on: date, user: dict) -> dict:
    """The team manager authorises the wording of the administrator's record."""
    if user.get("role") not in AUTHORISERS:
        raise BadInput(f"only the team manager authorises the record, not a {user.get('role')}")
    if team["id"] not in user_team_ids(db, user):
        what = "an admin" if user.get("role") == "admin" else "a manager"
        raise BadInput(f"{user.get('username')} is not {what} of {team['name']}")
    meeting = get_meeting(db, team, on)
    if meeting is None or not meeting.get("administrator"):
        raise BadInput(f"no administrator's record of the meeting of {on.isoformat()} yet")
    db["meetings"].update(meeting["id"], {"authorised_by": user["id"], "authorised_at": utcnow()})
    return meeting_record(db, team, on)


def practitioners_on(db: Database, team: dict, on: date) -> list[str]:
    """The workers of the team's cases open on ``on``, one name each (case and spaces
    ignored): "The whole team should attend the meeting every week unless their absence
    is agreed appropriate by the Team Manager" (Kent policy §6)."""
    found: dict[str, str] = {}
    for r in db.query(
        """select worker from families where team_id = ? and worker is not null
             and opened <= ? and (closed is null or closed > ?) order by worker""",
        [team["id"], on.isoformat(), on.isoformat()],
    ):
        name = " ".join(r["worker"].split())
        if name:
            found.setdefault(name_key(name), name)
    return sorted(found.values(), key=str.casefold)


def meeting_record(db: Database, team: dict, on: date) -> dict | None:
    """The record of the meeting of ``on``: ``date``, ``attended``, ``agreed_absences``,
    ``facilitator``, ``administrator``, ``authorised_by`` (a user name) and
    ``authorised_at``; None when no meeting was held that day."""
    meeting = get_meeting(db, team, on)
    if meeting is None:
        return None
    people = list(db["meeting_people"].rows_where("meeting_id = ?", [meeting["id"]], order_by="id"))
    authoriser = (
        db["users"].get(meeting["authorised_by"])["username"] if meeting["authorised_by"] else None
    )
    attended = [p["name"] for p in people if p["status"] == ATTENDED]
    absences = [p["name"] for p in people if p["status"] == AGREED_ABSENCE]
    accounted = {name_key(n) for n in attended + absences}
    return {
        "date": meeting["meeting_date"],
        "attended": attended,
        "agreed_absences": absences,
        "held": len(attended) >= MIN_ATTENDEES,
        "unaccounted": [w for w in practitioners_on(db, team, on) if name_key(w) not in accounted],
        "facilitator": meeting["facilitator"],
        "administrator": meeting["administrator"],
        "authorised_by": authoriser,
        "authorised_at": meeting["authorised_at"],
        "closed": meeting["closed_at"] is not None,
    }


def weeks_without_meeting(db: Database, team: dict, start: date, end: date) -> list[str]:
    """Mondays of the finished weeks (Monday to Sunday) from ``start`` to ``end`` in which
    the team recorded no meeting; weeks before the team existed are left out."""
    created = date.fromisoformat((team.get("created_at") or start.isoformat())[:10])
    monday = max(start, created)
    monday -= timedelta(days=monday.weekday())
    if monday < created:
        monday += timedelta(days=7)
    held = {
        r["meeting_date"]
        for r in db.query(
            "select meeting_date from meetings where team_id = ? and meeting_date between ? and ?",
            [team["id"], monday.isoformat(), end.isoformat()],
        )
    }
    found = []
    while monday + timedelta(days=6) < end:
        days = {(monday + timedelta(days=n)).isoformat() for n in range(7)}
        if not days & held:
            found.append(monday.isoformat())
        monday += timedelta(days=7)
    return found
