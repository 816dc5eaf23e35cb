"""The clinic as its Terms of Reference mean it (docs/contract.md §16): a request warns
when "that Thursday" has no slot for it, and who attended each session is recorded ("the
social worker and team manager attend together", §5)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

from webapp.errors import NotFound
from webapp.practice.clinic import (
    PURPOSES,
    booking_record,
    free_slots,
    parse_purpose,
    request_clinic,
)
from webapp.practice.clinic_days import day_refusal, next_clinic
from webapp.rules.team_rules import holiday_region
from webapp.values.actor import Actor

#: How many Thursdays ahead a warning looks for the next free slot.
LOOK_AHEAD_WEEKS = 8


def request_warning(db: Database, team: dict, purpose: str, on: date) -> str | None:
    """Why "that Thursday" (the first clinic day on or after ``on``) cannot take the
    session, with the next Thursday that can; None when it can."""
    purpose = parse_purpose(purpose)
    day = next_clinic(on)
    region = holiday_region(team)
    closed = day_refusal(day, on, region)
    if not closed and free_slots(db, team, day, purpose, today=on):
        return None
    why = closed or f"no free {PURPOSES[purpose]}-minute slot is left"
    later = day
    for _ in range(LOOK_AHEAD_WEEKS):
        later += timedelta(days=7)
        if not day_refusal(later, on, region) and free_slots(db, team, later, purpose, today=on):
            return f"no slot on Thursday {day}: {why}; the next free one is on {later}"
    return f"no slot on Thursday {day}: {why}; none free in the next {LOOK_AHEAD_WEEKS} weeks"


def request(db: Database, team: dict, token: str, purpose: str, *, on: date, actor: Actor) -> dict:
    """Flag a case for the clinic (:func:`webapp.practice.clinic.request_clinic`), with a
    ``warning`` when "that Thursday" has no slot for it (None when it has)."""
    record = request_clinic(db, team, token, purpose, on=on, actor=actor)
    return {**record, "warning": request_warning(db, team, record["purpose"], on)}


def record_attendance(
    db: Database, team: dict, booking_id: int, *, social_worker: bool, team_manager: bool
) -> dict:
    """Record who came to a clinic session: the social worker, the team manager, or both."""
    rows = list(
        db["clinic_bookings"].rows_where("id = ? and team_id = ?", [booking_id, team["id"]])
    )
    if not rows:
        raise NotFound(f"no clinic booking {booking_id}")
    db["clinic_bookings"].update(
        booking_id,
        {"social_worker_attended": int(social_worker), "team_manager_attended": int(team_manager)},
    )
    return booking_record(db, db["clinic_bookings"].get(booking_id))["attended"]
