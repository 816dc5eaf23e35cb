"""Who held a case, and when: the allocated worker as of a day, and whether a case counts
in a month at all.

Supervision reads the allocated worker only through :func:`worker_timelines` and
:func:`worker_on`, so the event model that answers "as of a day" can replace them in one
place.

Worker names are compared by :func:`name_key`: case and spaces do not matter ("Sam
Okafor", "sam  okafor" and " SAM OKAFOR" are one practitioner).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlite_utils import Database

from webapp.rules.workdays import is_working_day
from webapp.store import events


def name_key(name: str | None) -> str:
    """A worker's name as compared: words joined by one space, case folded."""
    return " ".join((name or "").split()).casefold()


def worker_timelines(db: Database, team: dict) -> dict[int, list[tuple[str, str | None]]]:
    """Family id -> its changes of allocated worker, oldest first: (day, new worker); the
    first entry (day ``""``) is the worker it was registered with."""
    found: dict[int, list[tuple[str, str | None]]] = {}
    for r in db.query(
        """select family_id, on_date, detail from events
           where team_id = ? and kind = ? and json_extract(detail, '$.field') = 'worker'
           order by on_date, id""",
        [team["id"], events.CHANGED],
    ):
        detail = json.loads(r["detail"] or "{}")
        timeline = found.setdefault(r["family_id"], [("", detail.get("from"))])
        timeline.append((r["on_date"], detail.get("to")))
    return found


def worker_on(timeline: list[tuple[str, str | None]] | None, current: str | None, day: date):
    """The worker allocated on ``day``: the last change on or before it, else the first."""
    if not timeline:
        return current
    text = day.isoformat()
    return [worker for on, worker in timeline if on <= text][-1]


def held_days(row: dict, first: date, end: date) -> tuple[date, date] | None:
    """The days from ``first`` to ``end`` the case was held open: from its opening day to
    the day before it closed (a case closed on the 1st was not held that month)."""
    start = max(first, date.fromisoformat(row["opened"]))
    stop = end
    if row.get("closed"):
        stop = min(end, date.fromisoformat(row["closed"]) - timedelta(days=1))
    return (start, stop) if start <= stop else None


def counts_in_month(row: dict, first: date, end: date, region: str) -> bool:
    """A case counts for supervision in a month when it was held open on at least one
    working day of it: one opened on Sunday 31 January did not need January's
    supervision, and one closed on 1 April is not counted in April."""
    held = held_days(row, first, end)
    if held is None:
        return False
    day, stop = held
    while day <= stop:
        if is_working_day(day, region):
            return True
        day += timedelta(days=1)
    return False


def last_held_day(row: dict, first: date, end: date) -> date:
    """The last day of the month (up to ``end``) the case was held: whose case it was."""
    held = held_days(row, first, end)
    return held[1] if held else end
