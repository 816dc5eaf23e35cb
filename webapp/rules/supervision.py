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

from datetime import date, timedelta

from sqlite_utils import Database

from webapp.cases import history
from webapp.cases.bounds import check_date, check_text
from webapp.cases.families import get_family_row, parse_date
from webapp.errors import BadInput, NotFound
from webapp.rules.defaults import DISCUSSION_KINDS, FORMAL_KIND, FREQUENCIES
from webapp.rules.team_rules import holiday_region
from webapp.rules.workdays import month_bounds, record_due
from webapp.store import events
from webapp.store.connection import utcnow

RECORDED, LATE, WAITING, OVERDUE = "recorded", "late", "waiting", "overdue"
#: A practitioner's month: enough formal sessions, on leave, month still running, short.
MET, ON_LEAVE, NOT_YET, MISSED = "met", "on leave", "not yet", "missed"
UNALLOCATED = "(unallocated)"


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
    """Practitioner -> the days they had a formal one-to-one: the worker allocated to the
    case on the day of the discussion (docs/contract.md §12)."""
    found: dict[str, set[str]] = {}
    for r in db.query(
        """select family_id, on_date from discussions
           where team_id = ? and kind = ? and on_date between ? and ? order by on_date""",
        [team["id"], FORMAL_KIND, start.isoformat(), end.isoformat()],
    ):
        timeline = timelines.get(r["family_id"])
        state = timeline.state_on(date.fromisoformat(r["on_date"])) if timeline else None
        if state and state["worker"]:
            found.setdefault(state["worker"], set()).add(r["on_date"])
    return {name: sorted(days) for name, days in found.items()}


def allocated(timelines: dict, team: dict, first: date, end: date) -> list[dict]:
    """The cases the team held open on any day from ``first`` to ``end`` or closed on
    ``first`` or later, each as it stood on the last day it was held (its worker then):
    ``id``, ``token``, ``initials``, ``stage``, ``worker``."""
    first -= timedelta(days=1)  # a case closed on the 1st was open on the 31st
    found = []
    for fid, timeline in timelines.items():
        last = None
        for span in timeline.spans(end):
            state = span.state
            if span.end is not None and span.end <= first:
                continue
            if not state["closed"] and state["team_id"] == team["id"]:
                last = state
        if last is not None:
            found.append(
                {"id": fid, "token": timeline.row["token"],
                 **{k: last[k] for k in ("initials", "stage", "worker")}}
            )  # fmt: skip
    return sorted(found, key=lambda r: (r["worker"] or "", r["stage"], r["initials"], r["id"]))


def _month_text(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def practitioner_settings(db: Database, team: dict) -> dict[str, dict]:
    """Practitioner name -> their row (``frequency``, ``note``)."""
    return {
        r["name"]: r
        for r in db["practitioners"].rows_where("team_id = ?", [team["id"]], order_by="name")
    }


def set_frequency(
    db: Database, team: dict, name: str, frequency: str, note: str | None = None
) -> dict:
    """How often a practitioner needs formal one-to-one supervision: ``monthly`` (the
    policy's minimum) or ``fortnightly`` (suggested for ASYE and probation)."""
    name = check_text(name or "", "worker")
    note = check_text(note, "note")
    if not name:
        raise BadInput("say which practitioner")
    frequency = (frequency or "").strip().lower()
    if frequency not in FREQUENCIES:
        raise BadInput(f"frequency must be one of {', '.join(FREQUENCIES)}, not {frequency!r}")
    record = {"team_id": team["id"], "name": name, "frequency": frequency, "note": note}
    existing = practitioner_settings(db, team).get(name)
    if existing:
        db["practitioners"].update(existing["id"], {"frequency": frequency, "note": note})
        return db["practitioners"].get(existing["id"])
    pk = db["practitioners"].insert(record).last_pk
    return db["practitioners"].get(pk)


def mark_leave(
    db: Database, team: dict, name: str, month: str, *, reason: str | None = None
) -> dict:
    """Record that a practitioner was on leave (sickness or annual leave) for a month, so
    the gap in supervision shows as leave (Islington policy: "clearly recorded")."""
    name = check_text(name or "", "worker")
    reason = check_text(reason, "reason")
    if not name:
        raise BadInput("say which practitioner")
    year, mon = parse_month(month)
    text = _month_text(year, mon)
    existing = list(
        db["practitioner_leave"].rows_where(
            "team_id = ? and name = ? and month = ?", [team["id"], name, text]
        )
    )
    if existing:
        return existing[0]
    record = {"team_id": team["id"], "name": name, "month": text, "reason": reason}
    record["id"] = db["practitioner_leave"].insert(record).last_pk
    return record


def _on_leave(db: Database, team: dict, month: str) -> set[str]:
    return {
        r["name"]
        for r in db["practitioner_leave"].rows_where(
            "team_id = ? and month = ?", [team["id"], month]
        )
    }


def practitioner_check(
    db: Database,
    team: dict,
    year: int,
    month: int,
    names: list[str],
    end: date,
    timelines: dict | None = None,
) -> list[dict]:
    """Each practitioner's formal one-to-one sessions in the month against their frequency."""
    first, last = month_bounds(year, month)
    settings = practitioner_settings(db, team)
    timelines = history.team_timelines(db, team) if timelines is None else timelines
    sessions = _sessions(db, team, first, end, timelines)
    leave = _on_leave(db, team, _month_text(year, month))
    found = []
    for name in sorted(set(names) | set(settings)):
        frequency = settings.get(name, {}).get("frequency") or "monthly"
        needed, had = FREQUENCIES.get(frequency, 1), sessions.get(name, [])
        if name in leave:
            status = ON_LEAVE
        elif len(had) >= needed:
            status = MET
        else:
            status = NOT_YET if end < last else MISSED
        found.append(
            {
                "worker": name,
                "frequency": frequency,
                "needed": needed,
                "sessions": had,
                "status": status,
            }
        )
    return found


def coverage(db: Database, team: dict, year: int, month: int, as_of: date | None = None) -> dict:
    """Which open cases have had a formal one-to-one in a calendar month, per
    practitioner and team, and each practitioner's own sessions.

    A case counts for the month when the team held it open on any day of the month up
    to ``as_of`` (default: the month's last day), under the worker allocated to it then;
    nothing dated after ``as_of`` changes the answer (docs/contract.md §12). Only a
    ``one-to-one`` dated within the month covers it; other kinds are listed with the case
    (``other_kinds``).
    """
    first, last = month_bounds(year, month)
    end = min(last, as_of) if as_of else last
    if end < first:
        raise BadInput(f"{year}-{month:02d} has not started on {as_of}")
    timelines = history.team_timelines(db, team)
    rows = allocated(timelines, team, first, end)
    discussed = _discussed(db, team, first, end)
    others = _other_kinds(db, team, first, end)
    leave = _on_leave(db, team, _month_text(year, month))
    workers: dict[str, dict] = {}
    missing = []
    for row in rows:
        name = row["worker"] or UNALLOCATED
        entry = workers.setdefault(
            name,
            {"worker": name, "cases": 0, "discussed": 0, "missing": [], "on_leave": name in leave},
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
            "other_kinds": others.get(row["id"], []),
            "on_leave": name in leave,
        }
        entry["missing"].append(item)
        missing.append(item)
    total = len(rows)
    names = [n for n in workers if n != UNALLOCATED]
    return {
        "month": _month_text(year, month),
        "from": first.isoformat(),
        "to": end.isoformat(),
        "cases": total,
        "discussed": total - len(missing),
        "percent": round(100 * (total - len(missing)) / total) if total else 100,
        "missing": missing,
        "workers": sorted(workers.values(), key=lambda w: w["worker"]),
        "practitioners": practitioner_check(db, team, year, month, names, end, timelines),
    }
