"""The Case Progression Clinic (Case Progression Clinic Terms of Reference).

* Cases come to the clinic to prepare a Legal Planning Meeting (LPM) or, after a Care
  Pathways Panel recommendation, pre-proceedings (§2).
* It runs every Thursday from 14:00 to 15:30, in 30-minute slots for LPM preparation
  and 45-minute slots for pre-proceedings (§3).
* Each session ends with actions, and the team manager sees they are taken forward (§5).

Bookings are kept per team; slots start on a quarter-hour.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlite_utils import Database

from webapp.cases.bounds import check_text
from webapp.cases.families import get_family_row, parse_date
from webapp.errors import BadInput, NotFound
from webapp.store.connection import utcnow

LPM, PRE_PROCEEDINGS = "lpm", "pre-proceedings"
PURPOSES = {LPM: 30, PRE_PROCEEDINGS: 45}
PURPOSE_LABELS = {LPM: "Legal Planning Meeting preparation", PRE_PROCEEDINGS: "Pre-proceedings"}
THURSDAY = 3
OPENS, CLOSES = time(14, 0), time(15, 30)
STEP_MINUTES = 15


def parse_purpose(text: str) -> str:
    value = (text or "").strip().lower().replace(" ", "-").replace("_", "-")
    value = {"pre-proceeding": PRE_PROCEEDINGS, "preproceedings": PRE_PROCEEDINGS}.get(value, value)
    if value not in PURPOSES:
        raise BadInput(f"clinic purpose must be lpm or pre-proceedings, not {text!r}")
    return value


def clinic_day(on: date) -> date:
    """The Thursday of the week (Monday to Sunday) that contains ``on``."""
    return on + timedelta(days=THURSDAY - on.weekday())


def next_clinic(on: date) -> date:
    """The first clinic Thursday on or after ``on``."""
    return on + timedelta(days=(THURSDAY - on.weekday()) % 7)


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_start(text: str) -> int:
    try:
        return _minutes(datetime.strptime(text.strip(), "%H:%M").time())
    except ValueError:
        raise BadInput(f"slot start must be HH:MM, not {text!r}") from None


def _bookings_on(db: Database, team: dict, day: date) -> list[dict]:
    return list(
        db.query(
            """select b.*, f.token, f.initials, f.worker from clinic_bookings b
               join families f on f.id = b.family_id
               where b.team_id = ? and b.day = ? order by b.start""",
            [team["id"], day.isoformat()],
        )
    )


def _fits(start: int, minutes: int, taken: list[tuple[int, int]]) -> bool:
    end = start + minutes
    if start < _minutes(OPENS) or end > _minutes(CLOSES):
        return False
    return all(end <= s or start >= e for s, e in taken)


def free_slots(db: Database, team: dict, day: date, purpose: str) -> list[str]:
    """The start times still free on a clinic day for a session of this purpose."""
    if day.weekday() != THURSDAY:
        raise BadInput(f"the clinic is on Thursdays; {day} is a {day:%A}")
    minutes = PURPOSES[parse_purpose(purpose)]
    taken = [
        (parse_start(b["start"]), parse_start(b["start"]) + b["minutes"])
        for b in _bookings_on(db, team, day)
    ]
    return [
        _clock(start)
        for start in range(_minutes(OPENS), _minutes(CLOSES), STEP_MINUTES)
        if _fits(start, minutes, taken)
    ]


def request_clinic(
    db: Database, team: dict, token: str, purpose: str, *, on: date, user_id: int | None = None
) -> dict:
    """Flag a case as needing the clinic, for an LPM or for pre-proceedings."""
    row = get_family_row(db, token, team)
    record = {
        "team_id": team["id"],
        "family_id": row["id"],
        "purpose": parse_purpose(purpose),
        "requested_on": parse_date(on, "request date").isoformat(),
        "user_id": user_id,
        "created_at": utcnow(),
    }
    record["id"] = db["clinic_requests"].insert(record).last_pk
    return record


def waiting_requests(db: Database, team: dict) -> list[dict]:
    """Cases flagged for the clinic and not booked yet, oldest first."""
    return list(
        db.query(
            """select r.*, f.token, f.initials, f.worker, f.stage from clinic_requests r
               join families f on f.id = r.family_id
               where r.team_id = ? and f.closed is null and not exists
                 (select 1 from clinic_bookings b where b.request_id = r.id)
               order by r.requested_on, r.id""",
            [team["id"]],
        )
    )


def book(
    db: Database,
    team: dict,
    token: str,
    *,
    day: date | str,
    start: str,
    purpose: str,
    user_id: int | None = None,
) -> dict:
    """Book a case into a clinic slot (linked to its waiting request, if any)."""
    row = get_family_row(db, token, team)
    day = parse_date(day, "clinic day")
    purpose = parse_purpose(purpose)
    slots = free_slots(db, team, day, purpose)
    begin = _clock(parse_start(start))
    if begin not in slots:
        free = ", ".join(slots) or "none"
        raise BadInput(
            f"no free {PURPOSES[purpose]}-minute slot at {begin} on {day} (free: {free})"
        )
    request = next(
        (
            r
            for r in waiting_requests(db, team)
            if r["family_id"] == row["id"] and r["purpose"] == purpose
        ),
        None,
    )
    record = {
        "team_id": team["id"],
        "family_id": row["id"],
        "request_id": request["id"] if request else None,
        "purpose": purpose,
        "day": day.isoformat(),
        "start": begin,
        "minutes": PURPOSES[purpose],
        "user_id": user_id,
        "created_at": utcnow(),
    }
    record["id"] = db["clinic_bookings"].insert(record).last_pk
    return record


def _booking(db: Database, team: dict, booking_id: int) -> dict:
    rows = list(
        db["clinic_bookings"].rows_where("id = ? and team_id = ?", [booking_id, team["id"]])
    )
    if not rows:
        raise NotFound(f"no clinic booking {booking_id}")
    return rows[0]


def add_action(
    db: Database, team: dict, booking_id: int, *, text: str, owner: str, due_on: date | str
) -> dict:
    """An action agreed at the clinic, with an owner and a due date."""
    booking = _booking(db, team, booking_id)
    text, owner = check_text(text or "", "text"), check_text(owner or "", "owner")
    if not text or not owner:
        raise BadInput("a clinic action needs what is to be done and who owns it")
    due = parse_date(due_on, "due date")
    if due.isoformat() < booking["day"]:
        raise BadInput("an action cannot be due before the clinic it was agreed at")
    record = {
        "booking_id": booking["id"],
        "text": text,
        "owner": owner,
        "due_on": due.isoformat(),
        "done_on": None,
        "created_at": utcnow(),
    }
    record["id"] = db["clinic_actions"].insert(record).last_pk
    return record


def complete_action(db: Database, team: dict, action_id: int, on: date | str) -> dict:
    rows = list(
        db.query(
            """select a.* from clinic_actions a join clinic_bookings b on b.id = a.booking_id
               where a.id = ? and b.team_id = ?""",
            [action_id, team["id"]],
        )
    )
    if not rows:
        raise NotFound(f"no clinic action {action_id}")
    db["clinic_actions"].update(action_id, {"done_on": parse_date(on, "done date").isoformat()})
    return db["clinic_actions"].get(action_id)


def week_bookings(db: Database, team: dict, on: date) -> dict:
    """The clinic of the week containing ``on``: its bookings, each with its actions."""
    day = clinic_day(on)
    bookings = _bookings_on(db, team, day)
    for booking in bookings:
        booking["actions"] = list(
            db["clinic_actions"].rows_where("booking_id = ?", [booking["id"]], order_by="id")
        )
        booking["label"] = PURPOSE_LABELS[booking["purpose"]]
        end = parse_start(booking["start"]) + booking["minutes"]
        booking["end"] = _clock(end)
    return {
        "day": day.isoformat(),
        "opens": OPENS.strftime("%H:%M"),
        "closes": CLOSES.strftime("%H:%M"),
        "bookings": bookings,
        "free": {p: free_slots(db, team, day, p) for p in PURPOSES},
    }
