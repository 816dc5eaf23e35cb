"""Supervision cadence (Islington Case Management Supervision Policy, "Frequency").

* Every open case must be discussed at least once each calendar month.
* The supervision record is due within 5 working days of the discussion, or within
  24 hours for a significant case decision or an urgent matter.

A discussion is recorded with its date, its kind and who took part. Outcomes recorded
at the weekly Case Progression meeting (events of kind ``outcome``) count as
``weekly meeting`` discussions too, so a case discussed at the meeting is covered.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from webapp.cases.bounds import check_date, check_text
from webapp.cases.families import get_family_row, parse_date
from webapp.errors import BadInput, NotFound
from webapp.rules.defaults import DISCUSSION_KINDS
from webapp.rules.team_rules import holiday_region
from webapp.rules.workdays import month_bounds, record_due
from webapp.store import events
from webapp.store.connection import utcnow

RECORDED, LATE, WAITING, OVERDUE = "recorded", "late", "waiting", "overdue"


def parse_kind(kind: str) -> str:
    text = (kind or "").strip().lower().replace("_", " ")
    aliases = {"1:1": "one-to-one", "one to one": "one-to-one", "weekly": "weekly meeting"}
    text = aliases.get(text, text)
    if text not in DISCUSSION_KINDS:
        raise BadInput(
            f"discussion kind must be one of {', '.join(DISCUSSION_KINDS)}, not {kind!r}"
        )
    return text


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` -> (year, month), from 2000-01 to 2100-12."""
    try:
        year, month = (int(p) for p in text.strip().split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise BadInput(f"month must be YYYY-MM, not {text!r}") from None
    check_date(first, "month")
    return year, month


def add_discussion(
    db: Database,
    team: dict,
    token: str,
    *,
    on: date | str,
    kind: str,
    who: str | None = None,
    significant: bool = False,
    recorded_on: date | str | None = None,
    note: str | None = None,
    user_id: int | None = None,
) -> dict:
    """Record that a case was discussed; ``recorded_on`` is when the record was written."""
    row = get_family_row(db, token, team)
    on = parse_date(on, "discussion date")
    recorded = parse_date(recorded_on, "recorded date") if recorded_on else None
    if recorded and recorded < on:
        raise BadInput("a record cannot be written before the discussion")
    record = {
        "team_id": team["id"],
        "family_id": row["id"],
        "on_date": on.isoformat(),
        "kind": parse_kind(kind),
        "who": check_text(who or "", "who") or None,
        "significant": int(bool(significant)),
        "recorded_on": recorded.isoformat() if recorded else None,
        "note": check_text(note or "", "note") or None,
        "user_id": user_id,
        "created_at": utcnow(),
    }
    record["id"] = db["discussions"].insert(record).last_pk
    return record


def mark_recorded(db: Database, team: dict, discussion_id: int, on: date | str) -> dict:
    """Note the day the supervision record of a discussion was written."""
    rows = list(db["discussions"].rows_where("id = ? and team_id = ?", [discussion_id, team["id"]]))
    if not rows:
        raise NotFound(f"no discussion {discussion_id}")
    on = parse_date(on, "recorded date")
    if on.isoformat() < rows[0]["on_date"]:
        raise BadInput("a record cannot be written before the discussion")
    db["discussions"].update(discussion_id, {"recorded_on": on.isoformat()})
    return db["discussions"].get(discussion_id)


def record_status(discussion: dict, today: date, region: str) -> tuple[date, str]:
    """(the record's due date, ``recorded`` | ``late`` | ``waiting`` | ``overdue``)."""
    due = record_due(
        date.fromisoformat(discussion["on_date"]), bool(discussion["significant"]), region
    )
    recorded = discussion["recorded_on"]
    if recorded:
        return due, LATE if date.fromisoformat(recorded) > due else RECORDED
    return due, OVERDUE if today > due else WAITING


def discussions(
    db: Database, team: dict, *, start: date, end: date, today: date | None = None
) -> list[dict]:
    """Recorded discussions from ``start`` to ``end``, newest first, with the record's status."""
    region = holiday_region(team)
    today = today or end
    rows = db.query(
        """select d.*, f.token, f.initials, f.worker from discussions d
           join families f on f.id = d.family_id
           where d.team_id = ? and d.on_date between ? and ?
           order by d.on_date desc, d.id desc""",
        [team["id"], start.isoformat(), end.isoformat()],
    )
    found = []
    for row in rows:
        due, status = record_status(row, today, region)
        found.append({**row, "record_due": due.isoformat(), "record_status": status})
    return found


def flagged_records(db: Database, team: dict, today: date, days: int = 92) -> list[dict]:
    """Discussions in the last ``days`` whose record is overdue or was written late."""
    start = date.fromordinal(today.toordinal() - days)
    return [
        d
        for d in discussions(db, team, start=start, end=today, today=today)
        if d["record_status"] in (OVERDUE, LATE)
    ]


def _discussed(db: Database, team: dict, start: date, end: date) -> dict[int, str]:
    """Family id -> the last day it was discussed between ``start`` and ``end``."""
    found: dict[int, str] = {}
    for r in db.query(
        """select family_id, max(on_date) as last from (
             select family_id, on_date from discussions
               where team_id = :team and on_date between :start and :end
             union all
             select family_id, on_date from events
               where team_id = :team and kind = :kind and on_date between :start and :end
           ) group by family_id""",
        {
            "team": team["id"],
            "start": start.isoformat(),
            "end": end.isoformat(),
            "kind": events.OUTCOME,
        },
    ):
        found[r["family_id"]] = r["last"]
    return found


def coverage(db: Database, team: dict, year: int, month: int, as_of: date | None = None) -> dict:
    """Which open cases have been discussed in a calendar month, per practitioner and team.

    A case counts for the month when it was open on any day of the month up to
    ``as_of`` (default: the month's last day). It is covered by a discussion of any
    kind dated within the month.
    """
    first, last = month_bounds(year, month)
    end = min(last, as_of) if as_of else last
    if end < first:
        raise BadInput(f"{year}-{month:02d} has not started on {as_of}")
    rows = list(
        db["families"].rows_where(
            "team_id = ? and opened <= ? and (closed is null or closed >= ?)",
            [team["id"], end.isoformat(), first.isoformat()],
            order_by="worker, stage, initials",
        )
    )
    discussed = _discussed(db, team, first, end)
    workers: dict[str, dict] = {}
    missing = []
    for row in rows:
        name = row["worker"] or "(unallocated)"
        entry = workers.setdefault(
            name, {"worker": name, "cases": 0, "discussed": 0, "missing": []}
        )
        entry["cases"] += 1
        if row["id"] in discussed:
            entry["discussed"] += 1
            continue
        item = {
            "token": row["token"],
            "initials": row["initials"],
            "stage": row["stage"],
            "worker": name,
        }
        entry["missing"].append(item)
        missing.append(item)
    total = len(rows)
    return {
        "month": f"{year}-{month:02d}",
        "from": first.isoformat(),
        "to": end.isoformat(),
        "cases": total,
        "discussed": total - len(missing),
        "percent": round(100 * (total - len(missing)) / total) if total else 100,
        "missing": missing,
        "workers": sorted(workers.values(), key=lambda w: w["worker"]),
    }
