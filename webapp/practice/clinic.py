"""The Case Progression Clinic (Case Progression Clinic Terms of Reference).

* Cases come to the clinic to prepare a Legal Planning Meeting (LPM) or, after a Care
  Pathways Panel recommendation, pre-proceedings (§2).
* It runs every Thursday from 14:00 to 15:30, in 30-minute slots for LPM preparation
  and 45-minute slots for pre-proceedings (§3).
* Each session ends with actions, and the team manager sees they are taken forward (§5).
* The documents to have ready (§4, §5) and the case note's recipients (§5) are recorded.
* "Every case where a LPM will be held and Care Pathways recommendation to start
  pre-proceedings is discussed at the clinic" (§2): a quarterly report checks it.

The clinic is run by one service manager, so it is one calendar for the whole service
(docs/contract.md §7): every team in the store, or, where teams have a ``service`` set,
every team of the same service. Slots start on a quarter-hour and are offered from the
free ones; overlaps, past days, days that are not Thursdays and bank-holiday Thursdays
are refused with the reason, and nothing is written. Another team's booking shows only
as taken: its case stays invisible.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from webapp.accounts.teams import team_settings, team_today, update_team_settings
from webapp.cases.families import get_family_row
from webapp.errors import BadInput, NotFound
from webapp.practice.clinic_days import (
    CLOSES,
    OPENS,
    STEP_MINUTES,
    THURSDAY,
    clinic_day,
    clock_text,
    day_refusal,
    fits,
    minutes_of,
    parse_start,
)
from webapp.rules.team_rules import holiday_region
from webapp.store.connection import utcnow
from webapp.values.actor import Actor
from webapp.values.bounds import check_text
from webapp.values.dates import parse_date

LPM, PRE_PROCEEDINGS = "lpm", "pre-proceedings"
PURPOSES = {LPM: 30, PRE_PROCEEDINGS: 45}
PURPOSE_LABELS = {LPM: "Legal Planning Meeting preparation", PRE_PROCEEDINGS: "Pre-proceedings"}
#: What should be ready for the session (Clinic ToR §4 for an LPM, §5 for pre-proceedings).
DOCUMENTS = {
    LPM: ["draft LPM referral", "genogram", "chronology"],
    PRE_PROCEEDINGS: ["draft pre-proceedings letter", "draft written agreement"],
}
#: Who the service manager's case note and its actions go to (Clinic ToR §5).
NOTE_RECIPIENTS = ["social worker", "team manager", "service manager", "Legal Services"]
DOCUMENT, NOTE = "document", "note"


def parse_purpose(text: str) -> str:
    value = (text or "").strip().lower().replace(" ", "-").replace("_", "-")
    value = {"pre-proceeding": PRE_PROCEEDINGS, "preproceedings": PRE_PROCEEDINGS}.get(value, value)
    if value not in PURPOSES:
        raise BadInput(f"clinic purpose must be lpm or pre-proceedings, not {text!r}")
    return value


def service_team_ids(db: Database, team: dict) -> list[int]:
    """The teams sharing the clinic calendar with ``team``: those of the same ``service``
    setting (all teams, when no service is set anywhere)."""
    service = team_settings(team).get("service") or None
    return [
        t["id"]
        for t in db["teams"].rows_where(order_by="id")
        if (team_settings(t).get("service") or None) == service
    ]


def _bookings_on(db: Database, team: dict, day: date) -> list[dict]:
    """Every booking of the service on ``day``; another team's carries only its time."""
    ids = service_team_ids(db, team)
    marks = ", ".join("?" for _ in ids)
    rows = db.query(
        f"""select b.*, f.token, f.initials, f.worker from clinic_bookings b
            join families f on f.id = b.family_id
            where b.team_id in ({marks}) and b.day = ? order by b.start""",
        [*ids, day.isoformat()],
    )
    found = []
    for row in rows:
        if row["team_id"] != team["id"]:
            row = {k: row[k] for k in ("id", "team_id", "day", "start", "minutes", "purpose")}
            row.update(token=None, initials=None, worker=None, other_team=True)
        else:
            row["other_team"] = False
        found.append(row)
    return found


def free_slots(
    db: Database, team: dict, day: date, purpose: str, *, today: date | None = None
) -> list[str]:
    """The start times still free on a clinic day for a session of this purpose (none on
    a past day or a bank holiday)."""
    if day.weekday() != THURSDAY:
        raise BadInput(f"the clinic is on Thursdays; {day} is a {day:%A}")
    today = today or team_today(team)
    if day_refusal(day, today, holiday_region(team)):
        return []
    minutes = PURPOSES[parse_purpose(purpose)]
    taken = [
        (parse_start(b["start"]), parse_start(b["start"]) + b["minutes"])
        for b in _bookings_on(db, team, day)
    ]
    return [
        clock_text(start)
        for start in range(minutes_of(OPENS), minutes_of(CLOSES), STEP_MINUTES)
        if fits(start, minutes, taken)
    ]


def request_clinic(
    db: Database, team: dict, token: str, purpose: str, *, on: date, actor: Actor
) -> dict:
    """Flag a case as needing the clinic, for an LPM or for pre-proceedings."""
    row = get_family_row(db, token, team)
    record = {
        "team_id": team["id"],
        "family_id": row["id"],
        "purpose": parse_purpose(purpose),
        "requested_on": parse_date(on, "request date").isoformat(),
        "user_id": actor.user,
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
    actor: Actor,
    today: date | None = None,
) -> dict:
    """Book a case into a free slot of the service's clinic (linked to its waiting
    request, if any). A refused booking says why and writes nothing."""
    row = get_family_row(db, token, team)
    day = parse_date(day, "clinic day")
    purpose = parse_purpose(purpose)
    today = today or team_today(team)
    refusal = day_refusal(day, today, holiday_region(team))
    if refusal:
        raise BadInput(f"cannot book {day}: {refusal}")
    begin = clock_text(parse_start(start))
    with db.atomic():
        slots = free_slots(db, team, day, purpose, today=today)
        if (parse_start(begin) - minutes_of(OPENS)) % STEP_MINUTES:
            free = ", ".join(slots) or "none"
            raise BadInput(
                f"{begin} is not a slot start: slots start every {STEP_MINUTES} minutes from "
                f"{OPENS:%H:%M} (free on {day}: {free})"
            )
        if begin not in slots:
            raise BadInput(_taken_reason(db, team, day, purpose, begin, slots))
        return _insert_booking(db, team, row, day, begin, purpose, actor=actor)


def _taken_reason(
    db: Database, team: dict, day: date, purpose: str, begin: str, slots: list[str]
) -> str:
    free = ", ".join(slots) or "none"
    start, end = parse_start(begin), parse_start(begin) + PURPOSES[purpose]
    if start < minutes_of(OPENS) or end > minutes_of(CLOSES):
        why = f"the clinic runs {OPENS:%H:%M}-{CLOSES:%H:%M}"
    else:
        clash = next(
            (
                b
                for b in _bookings_on(db, team, day)
                if start < parse_start(b["start"]) + b["minutes"] and end > parse_start(b["start"])
            ),
            None,
        )
        if clash is None:
            why = "that slot is not offered"
        else:
            who = "another team" if clash["other_team"] else clash["initials"]
            why = f"it overlaps the booking at {clash['start']} ({who})"
    return f"no free {PURPOSES[purpose]}-minute slot at {begin} on {day}: {why} (free: {free})"


def _insert_booking(
    db: Database, team: dict, row: dict, day: date, begin: str, purpose: str, *, actor: Actor
) -> dict:
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
        "user_id": actor.user,
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


def _items(db: Database, booking_id: int) -> dict[tuple[str, str], str]:
    return {
        (r["kind"], r["item"]): r["done_on"]
        for r in db["clinic_items"].rows_where("booking_id = ?", [booking_id])
    }


def booking_record(db: Database, booking: dict) -> dict:
    """A booking's checklist: each document to have ready and each case-note recipient,
    with the day it was ticked (None while not)."""
    done = _items(db, booking["id"])
    worker, manager = booking.get("social_worker_attended"), booking.get("team_manager_attended")
    return {
        "attended": {
            "social_worker": None if worker is None else bool(worker),
            "team_manager": None if manager is None else bool(manager),
            "together": bool(worker) and bool(manager),
        },
        "documents": [
            {"item": item, "done_on": done.get((DOCUMENT, item))}
            for item in DOCUMENTS[booking["purpose"]]
        ],
        "note_sent_to": [
            {"item": who, "done_on": done.get((NOTE, who))} for who in NOTE_RECIPIENTS
        ],
    }


def tick(
    db: Database,
    team: dict,
    booking_id: int,
    kind: str,
    item: str,
    *,
    on: date | str,
    actor: Actor,
) -> dict:
    """Tick a document as ready (``document``) or the case note as sent to a recipient
    (``note``) for one of the team's bookings."""
    booking = _booking(db, team, booking_id)
    allowed = DOCUMENTS[booking["purpose"]] if kind == DOCUMENT else NOTE_RECIPIENTS
    if kind not in (DOCUMENT, NOTE):
        raise BadInput(f"a clinic record item is a document or a note, not {kind!r}")
    match = next((a for a in allowed if a.lower() == (item or "").strip().lower()), None)
    if match is None:
        raise BadInput(f"{kind} must be one of: {', '.join(allowed)} (not {item!r})")
    on = parse_date(on, "date")
    existing = list(
        db["clinic_items"].rows_where(
            "booking_id = ? and kind = ? and item = ?", [booking_id, kind, match]
        )
    )
    if existing:
        return existing[0]
    record = {
        "booking_id": booking_id,
        "kind": kind,
        "item": match,
        "done_on": on.isoformat(),
        "user_id": actor.user,
        "created_at": utcnow(),
    }
    record["id"] = db["clinic_items"].insert(record).last_pk
    return record


def week_bookings(db: Database, team: dict, on: date, *, today: date | None = None) -> dict:
    """The service's clinic of the week containing ``on``: the bookings (the team's own
    with their actions and checklist; other teams' only as taken) and the free slots."""
    day = clinic_day(on)
    today = today or team_today(team)
    bookings = _bookings_on(db, team, day)
    for booking in bookings:
        booking["label"] = PURPOSE_LABELS[booking["purpose"]]
        end = parse_start(booking["start"]) + booking["minutes"]
        booking["end"] = clock_text(end)
        if booking["other_team"]:
            booking["actions"] = []
            continue
        booking["actions"] = list(
            db["clinic_actions"].rows_where("booking_id = ?", [booking["id"]], order_by="id")
        )
        booking.update(booking_record(db, booking))
    return {
        "day": day.isoformat(),
        "opens": OPENS.strftime("%H:%M"),
        "closes": CLOSES.strftime("%H:%M"),
        "bookings": bookings,
        "closed_because": day_refusal(day, today, holiday_region(team)),
        "free": {p: free_slots(db, team, day, p, today=today) for p in PURPOSES},
    }


def set_service(db: Database, team: dict, service: str | None) -> dict:
    """Put a team in a service: teams of one service share one clinic calendar."""
    return update_team_settings(db, team, service=(service or "").strip() or None)
