"""Leave with its dates, the priority supervision owed on return, and the team manager's
own monthly supervision of deputies and practice supervisors (Islington Case Management
Supervision Policy, "Frequency" and "Team Manager Supervision and oversight")."""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

from webapp.errors import BadInput
from webapp.rules.defaults import FREQUENCIES
from webapp.store.connection import utcnow
from webapp.values.actor import Actor
from webapp.values.bounds import check_date, check_text
from webapp.values.dates import parse_date
from webapp.values.names import name_key

MET, NOT_YET, MISSED = "met", "not yet", "missed"


def add_absence(
    db: Database,
    team: dict,
    name: str,
    *,
    starts: date | str,
    ends: date | str,
    reason: str | None = None,
) -> dict:
    """Record that practitioner ``name`` was away (sickness or annual leave) from
    ``starts`` to ``ends`` inclusive."""
    name = check_text(name or "", "worker")
    if not name.strip():
        raise BadInput("say which practitioner")
    starts, ends = parse_date(starts, "leave start"), parse_date(ends, "leave end")
    if ends < starts:
        raise BadInput(f"leave cannot end ({ends}) before it starts ({starts})")
    record = {
        "team_id": team["id"],
        "name": " ".join(name.split()),
        "starts": starts.isoformat(),
        "ends": ends.isoformat(),
        "reason": check_text(reason, "reason") or None,
        "created_at": utcnow(),
    }
    record["id"] = db["practitioner_absences"].insert(record).last_pk
    return record


def absences(db: Database, team: dict, first: date, end: date) -> dict[str, list[dict]]:
    """Name key -> the absences overlapping ``first``..``end`` or ending the day before
    (a return on the 1st), oldest first."""
    found: dict[str, list[dict]] = {}
    for r in db["practitioner_absences"].rows_where(
        "team_id = ? and starts <= ? and ends >= ?",
        [team["id"], end.isoformat(), (first - timedelta(days=1)).isoformat()],
        order_by="starts, id",
    ):
        found.setdefault(name_key(r["name"]), []).append(r)
    return found


def away_all_month(leave: list[dict], first: date, end: date) -> bool:
    """True when the absences cover every day from ``first`` to ``end``."""
    day = first
    for r in sorted(leave, key=lambda r: r["starts"]):
        if r["starts"] > day.isoformat():
            return False
        day = max(day, date.fromisoformat(r["ends"]) + timedelta(days=1))
    return day > end


def return_prompt(leave: list[dict], sessions: list[str], end: date) -> dict | None:
    """The priority supervision owed after the latest return on or before ``end``: the
    return day, and the first one-to-one since (None while none has been had)."""
    returns = [
        date.fromisoformat(r["ends"]) + timedelta(days=1)
        for r in leave
        if date.fromisoformat(r["ends"]) < end
    ]
    if not returns:
        return None
    back = max(returns)
    since = [s for s in sessions if s >= back.isoformat()]
    return {
        "returned": back.isoformat(),
        "supervised_on": since[0] if since else None,
        "prompt": None if since else f"priority supervision on return (back {back})",
    }


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` -> (year, month), from 2000-01 to 2100-12."""
    try:
        year, month = (int(p) for p in text.strip().split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise BadInput(f"month must be YYYY-MM, not {text!r}") from None
    check_date(first, "month")
    return year, month


def _month_text(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def practitioner_settings(db: Database, team: dict) -> dict[str, dict]:
    """Practitioner name -> their row (``frequency``, ``note``)."""
    return {
        name_key(r["name"]): r
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
    existing = practitioner_settings(db, team).get(name_key(name))
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
        r
        for r in db["practitioner_leave"].rows_where(
            "team_id = ? and month = ?", [team["id"], text]
        )
        if name_key(r["name"]) == name_key(name)
    )
    if existing:
        return existing[0]
    record = {"team_id": team["id"], "name": name, "month": text, "reason": reason}
    record["id"] = db["practitioner_leave"].insert(record).last_pk
    return record


def _on_leave(db: Database, team: dict, month: str) -> set[str]:
    return {
        name_key(r["name"])
        for r in db["practitioner_leave"].rows_where(
            "team_id = ? and month = ?", [team["id"], month]
        )
    }


# -- the team manager's supervision of deputies and practice supervisors ---------------


def add_supervisor_session(
    db: Database,
    team: dict,
    name: str,
    *,
    on: date | str,
    note: str | None = None,
    actor: Actor,
) -> dict:
    """Record the team manager's formal supervision of deputy or practice supervisor
    ``name`` on ``on``."""
    name = " ".join(check_text(name or "", "supervisor").split())
    if not name:
        raise BadInput("say which deputy or practice supervisor was supervised")
    record = {
        "team_id": team["id"],
        "name": name,
        "on_date": parse_date(on, "supervision date").isoformat(),
        "note": check_text(note or "", "note") or None,
        "user_id": actor.user,
        "created_at": utcnow(),
    }
    record["id"] = db["supervisor_sessions"].insert(record).last_pk
    return record


def supervisor_check(db: Database, team: dict, first: date, last: date, end: date) -> list[dict]:
    """Every deputy or practice supervisor the team manager has supervised up to ``end``,
    with their sessions in the month and ``met`` | ``not yet`` | ``missed``."""
    names: dict[str, str] = {}
    sessions: dict[str, list[str]] = {}
    for r in db["supervisor_sessions"].rows_where(
        "team_id = ? and on_date <= ?", [team["id"], end.isoformat()], order_by="on_date, id"
    ):
        key = name_key(r["name"])
        names.setdefault(key, r["name"])
        if r["on_date"] >= first.isoformat():
            sessions.setdefault(key, []).append(r["on_date"])
    found = []
    for key, name in sorted(names.items()):
        had = sorted(set(sessions.get(key, [])))
        status = MET if had else (NOT_YET if end < last else MISSED)
        found.append({"name": name, "sessions": had, "status": status})
    return found
