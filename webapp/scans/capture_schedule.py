"""When a team's wall camera captures: its weekday (or meeting day) and team-local
time, as UTC instants, and whether the latest one is due."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from webapp.cases.meetings import meeting_weekday
from webapp.scans.camera import MEETING_DAY, camera_settings
from webapp.values.workdays import WEEKDAYS

#: A scheduled capture missed by more than this (server down, timer late) is skipped:
#: the camera is read only at the scheduled times.
CATCH_UP = timedelta(hours=1)


def scheduled_slot(team: dict, now: datetime) -> datetime | None:
    """The team's latest scheduled capture time at or before ``now`` (aware, UTC), or None
    when the team has no camera schedule (or "meeting day" with no meeting day set)."""
    settings = camera_settings(team)
    if not (settings["source"] and settings["day"] and settings["time"]):
        return None
    if settings["day"] == MEETING_DAY:
        weekday = meeting_weekday(team)
        if weekday is None:
            return None
    else:
        weekday = WEEKDAYS.index(settings["day"])
    zone = ZoneInfo(team.get("timezone") or "Europe/London")
    local = now.astimezone(zone)
    hour, minute = map(int, settings["time"].split(":"))
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    slot = datetime.combine(day, time(hour, minute), zone)
    if slot > local:
        slot = datetime.combine(day - timedelta(days=7), time(hour, minute), zone)
    return slot.astimezone(ZoneInfo("UTC"))


def due_slot(db: Database, team: dict, now: datetime) -> datetime | None:
    """The scheduled time to capture for now, if it has come within :data:`CATCH_UP` and
    has not run yet."""
    slot = scheduled_slot(team, now)
    if slot is None or now - slot > CATCH_UP:
        return None
    ran = db.execute(
        "select 1 from camera_runs where team_id = ? and slot = ?",
        [team["id"], slot.isoformat()],
    ).fetchone()
    return None if ran else slot
