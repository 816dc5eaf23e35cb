"""Supervision cadence (Islington Case Management Supervision Policy, "Frequency").

* Every open case must be discussed in formal one-to-one supervision at least once each
  calendar month. Informal, group and situational supervision, the weekly meeting and
  the clinic are good practice but "do NOT replace" it: they are recorded and listed,
  and never count (docs/contract.md §7).
* Each case-holding practitioner has a formal one-to-one at least once a calendar month;
  ASYE and probation staff may need more (a per-practitioner frequency, fortnightly
  suggested). A month on leave is shown as leave, not as a failure.
* The supervision record is due within 5 working days of the discussion, or within
  24 hours for a significant case decision or an urgent matter: a significant decision
  on a Friday is due on the Saturday, and the page says so.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from webapp.cases.families import get_family_row
from webapp.errors import BadInput, NotFound
from webapp.practice.supervision_leave import (  # noqa: F401 (set_frequency, mark_leave)
    _month_text,
    _on_leave,
    absences,
    away_all_month,
    mark_leave,
    parse_month,
    practitioner_settings,
    return_prompt,
    set_frequency,
    supervisor_check,
)
from webapp.rules.allocation import month_cases, worker_on, worker_timelines
from webapp.rules.defaults import DISCUSSION_KINDS, FORMAL_KIND, FREQUENCIES
from webapp.rules.team_rules import holiday_region
from webapp.store import events
from webapp.store.connection import utcnow
from webapp.values.actor import Actor
from webapp.values.bounds import check_text
from webapp.values.dates import parse_date
from webapp.values.names import name_key
from webapp.values.workdays import month_bounds, record_due

RECORDED, LATE, WAITING, OVERDUE = "recorded", "late", "waiting", "overdue"
#: A practitioner's month: enough formal sessions, on leave, month still running, short.
MET, ON_LEAVE, NOT_YET, MISSED = "met", "on leave", "not yet", "missed"
UNALLOCATED = "(unallocated)"
#: Fortnightly one-to-ones are at least this many days apart.
MIN_FORTNIGHT_GAP = 10


def parse_kind(kind: str) -> str:
    text = (kind or "").strip().lower().replace("_", " ")
    aliases = {"1:1": "one-to-one", "one to one": "one-to-one", "weekly": "weekly meeting"}
    text = aliases.get(text, text)
    if text not in DISCUSSION_KINDS:
        raise BadInput(
            f"discussion kind must be one of {', '.join(DISCUSSION_KINDS)}, not {kind!r}"
        )
    return text


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
    actor: Actor,
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
        "user_id": actor.user,
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
        found.append(
            {
                **row,
                "record_due": due.isoformat(),
                "record_due_day": f"{due:%A}",
                "record_due_weekend": due.weekday() >= 5,
                "record_status": status,
                "counts": row["kind"] == FORMAL_KIND,
            }
        )
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
    """Family id -> the last day it had a formal one-to-one between ``start`` and ``end``."""
    return {
        r["family_id"]: r["last"]
        for r in db.query(
            """select family_id, max(on_date) as last from discussions
               where team_id = ? and kind = ? and on_date between ? and ?
               group by family_id""",
            [team["id"], FORMAL_KIND, start.isoformat(), end.isoformat()],
        )
    }


def _other_kinds(db: Database, team: dict, start: date, end: date) -> dict[int, list[str]]:
    """Family id -> the other kinds of discussion it had (listed, never counted); weekly
    meeting outcomes recorded on the agenda are listed as ``weekly meeting``."""
    found: dict[int, set[str]] = {}
    for r in db.query(
        """select family_id, kind from discussions
             where team_id = :team and kind != :formal and on_date between :start and :end
           union
           select family_id, :weekly from events
             where team_id = :team and kind = :outcome and on_date between :start and :end""",
        {
            "team": team["id"],
            "formal": FORMAL_KIND,
            "weekly": "weekly meeting",
            "outcome": events.OUTCOME,
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
    ):
        found.setdefault(r["family_id"], set()).add(r["kind"])
    return {fid: sorted(kinds) for fid, kinds in found.items()}


def _sessions(
    db: Database, team: dict, start: date, end: date, timelines: dict
) -> dict[str, list[str]]:
    """Practitioner (name key of the worker allocated to the case on the day of the
    discussion, as its history has it: docs/contract.md §12) -> the days they had a
    formal one-to-one."""
    found: dict[str, set[str]] = {}
    for r in db.query(
        """select d.on_date, f.id, f.worker from discussions d
           join families f on f.id = d.family_id
           where d.team_id = ? and d.kind = ? and d.on_date between ? and ?""",
        [team["id"], FORMAL_KIND, start.isoformat(), end.isoformat()],
    ):
        worker = worker_on(timelines.get(r["id"]), r["worker"], date.fromisoformat(r["on_date"]))
        if worker:
            found.setdefault(name_key(worker), set()).add(r["on_date"])
    return {k: sorted(v) for k, v in found.items()}


def cadence_met(frequency: str, sessions: list[str], first: date, last: date) -> bool:
    """Monthly: one formal one-to-one. Fortnightly: one in the month's first half (1st to
    15th) and another in its second, at least 10 days apart."""
    if frequency != "fortnightly":
        return len(sessions) >= FREQUENCIES.get(frequency, 1)
    days = [date.fromisoformat(s) for s in sessions]
    early = [d for d in days if d.day <= 15]
    late = [d for d in days if d.day > 15]
    return any((b - a).days >= MIN_FORTNIGHT_GAP for a in early for b in late)


def practitioner_check(
    db: Database,
    team: dict,
    year: int,
    month: int,
    workers: dict[str, dict],
    end: date,
    timelines: dict,
) -> list[dict]:
    """Each practitioner's month: ``met`` only when every open case allocated to them in
    the month had a formal one-to-one and their own sessions kept their frequency."""
    first, last = month_bounds(year, month)
    settings = practitioner_settings(db, team)
    sessions = _sessions(db, team, first, end, timelines)
    leave = _on_leave(db, team, _month_text(year, month))
    away = absences(db, team, first, end)
    names = {k: w["worker"] for k, w in workers.items() if w["worker"] != UNALLOCATED}
    for key, row in settings.items():
        names.setdefault(key, row["name"])
    found = []
    for key, name in sorted(names.items(), key=lambda kv: kv[1].casefold()):
        frequency = settings.get(key, {}).get("frequency") or "monthly"
        had = sessions.get(key, [])
        entry = workers.get(key, {"cases": 0, "missing": []})
        cases_met = not entry["missing"]
        cadence = cadence_met(frequency, had, first, last)
        if key in leave or away_all_month(away.get(key, []), first, end):
            status = ON_LEAVE
        elif cases_met and cadence:
            status = MET
        else:
            status = NOT_YET if end < last else MISSED
        found.append(
            {
                "worker": name,
                "frequency": frequency,
                "needed": FREQUENCIES.get(frequency, 1),
                "sessions": had,
                "status": status,
                "cases": entry["cases"],
                "cases_missing": [m["token"] for m in entry["missing"]],
                "every_case_discussed": cases_met,
                "frequency_kept": cadence,
                "leave": [
                    {"from": a["starts"], "to": a["ends"], "reason": a["reason"]}
                    for a in away.get(key, [])
                ],
                "on_return": return_prompt(away.get(key, []), had, end),
            }
        )
    return found


def coverage(db: Database, team: dict, year: int, month: int, as_of: date | None = None) -> dict:
    """Which open cases have had a formal one-to-one in a calendar month, per
    practitioner and team, and each practitioner's own sessions.

    A case counts for the month when the team held it open on a working day of the
    month, as known on ``as_of`` (default: the month's last day): from its opening day to
    the day before it closed or moved to another team
    (:func:`webapp.rules.allocation.counts_in_month`). It belongs to the worker
    allocated to it on the last day the team held it, as allocated then; nothing dated
    after ``as_of`` changes the answer (docs/contract.md §12). Only a ``one-to-one``
    dated within the month covers it; other kinds are listed with the case
    (``other_kinds``).
    """
    first, last = month_bounds(year, month)
    end = min(last, as_of) if as_of else last
    if end < first:
        raise BadInput(f"{year}-{month:02d} has not started on {as_of}")
    timelines = worker_timelines(db, team)
    rows = month_cases(timelines, team, first, end, last, holiday_region(team))
    discussed = _discussed(db, team, first, end)
    others = _other_kinds(db, team, first, end)
    leave = _on_leave(db, team, _month_text(year, month))
    workers: dict[str, dict] = {}
    missing = []
    for row in rows:
        name = " ".join((row["worker"] or "").split()) or UNALLOCATED
        key = name_key(name) if name != UNALLOCATED else UNALLOCATED
        entry = workers.setdefault(
            key,
            {"worker": name, "cases": 0, "discussed": 0, "missing": [], "on_leave": key in leave},
        )
        entry["cases"] += 1
        if row["id"] in discussed:
            entry["discussed"] += 1
            continue
        item = {
            "token": row["token"],
            "initials": row["initials"],
            "stage": row["stage"],
            "worker": entry["worker"],
            "other_kinds": others.get(row["id"], []),
            "on_leave": key in leave,
        }
        entry["missing"].append(item)
        missing.append(item)
    missing.sort(key=lambda m: (m["worker"].casefold(), m["stage"], m["initials"]))
    total = len(rows)
    return {
        "month": _month_text(year, month),
        "from": first.isoformat(),
        "to": end.isoformat(),
        "cases": total,
        "discussed": total - len(missing),
        "percent": round(100 * (total - len(missing)) / total) if total else 100,
        "missing": missing,
        "workers": sorted(workers.values(), key=lambda w: w["worker"].casefold()),
        "practitioners": practitioner_check(db, team, year, month, workers, end, timelines),
        "supervisors": supervisor_check(db, team, first, last, end),
    }
