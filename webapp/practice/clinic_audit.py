"""Did every case that went to a Legal Planning Meeting or into pre-proceedings come
through the clinic first (Case Progression Clinic Terms of Reference)? The legal steps
are recorded here, and the quarterly report reads them against the clinic's bookings."""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

from webapp.cases.families import get_family_row
from webapp.errors import BadInput
from webapp.practice.clinic import LPM, parse_purpose
from webapp.store import events
from webapp.store.connection import utcnow
from webapp.values.actor import Actor
from webapp.values.dates import parse_date


def record_legal_step(
    db: Database,
    team: dict,
    token: str,
    kind: str,
    *,
    on: date | str,
    actor: Actor,
) -> dict:
    """Record that a case went to a Legal Planning Meeting or into pre-proceedings."""
    row = get_family_row(db, token, team)
    record = {
        "team_id": team["id"],
        "family_id": row["id"],
        "kind": parse_purpose(kind),
        "on_date": parse_date(on, "date").isoformat(),
        "user_id": actor.user,
        "created_at": utcnow(),
    }
    record["id"] = db["legal_steps"].insert(record).last_pk
    return record


def quarter_bounds(text: str) -> tuple[date, date]:
    """``YYYY-Qn`` -> the quarter's first and last day."""
    try:
        year, q = text.strip().upper().split("-Q")
        year, q = int(year), int(q)
        if not 1 <= q <= 4:
            raise ValueError
    except ValueError:
        raise BadInput(f"quarter must be YYYY-Qn (n 1 to 4), not {text!r}") from None
    first = date(year, 3 * q - 2, 1)
    last = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - timedelta(days=1)
    return first, last


def quarterly_report(db: Database, team: dict, quarter: str) -> dict:
    """Every case of the team that went to an LPM or pre-proceedings in the quarter, and
    whether it came through the clinic first (a booking for that purpose on or before)."""
    first, last = quarter_bounds(quarter)
    cases = []
    # A booking counts only within the episode the legal step belongs to: from the
    # latest reopening on or before the step (a closed earlier episode's clinic is not
    # this one's).
    for r in db.query(
        """select s.*, f.token, f.initials, f.worker,
             (select max(b.day) from clinic_bookings b where b.family_id = s.family_id
                and b.purpose = s.kind and b.day <= s.on_date
                and b.day >= coalesce((select max(e.on_date) from events e
                   where e.family_id = s.family_id and e.kind = ? and e.on_date <= s.on_date),
                   '0000-00-00')) as clinic_day
           from legal_steps s join families f on f.id = s.family_id
           where s.team_id = ? and s.on_date between ? and ?
           order by s.on_date, s.id""",
        [events.REOPENED, team["id"], first.isoformat(), last.isoformat()],
    ):
        cases.append(
            {
                "token": r["token"],
                "initials": r["initials"],
                "worker": r["worker"],
                "kind": r["kind"],
                "on": r["on_date"],
                "clinic_day": r["clinic_day"],
                "through_clinic": r["clinic_day"] is not None,
            }
        )
    return {
        "quarter": quarter.strip().upper(),
        "from": first.isoformat(),
        "to": last.isoformat(),
        "cases": cases,
        "total": len(cases),
        "through_clinic": sum(c["through_clinic"] for c in cases),
        "not_through_clinic": [c for c in cases if not c["through_clinic"]],
        "s31_without_lpm": s31_without_lpm(db, team, first, last),
    }


def s31_without_lpm(db: Database, team: dict, first: date, last: date) -> list[dict]:
    """s.31 cases open in the quarter with no Legal Planning Meeting recorded in their
    current episode: "every case where a LPM will be held ... is discussed at the
    clinic" can only be checked where the LPM was recorded."""
    return [
        dict(r)
        for r in db.query(
            """select f.token, f.initials, f.worker, f.opened from families f
               where f.team_id = ? and lower(f.case_type) = 's.31' and f.opened <= ?
                 and (f.closed is null or f.closed >= ?)
                 and not exists (select 1 from legal_steps s where s.family_id = f.id
                   and s.kind = ? and s.on_date >= f.opened)
               order by f.opened, f.token""",
            [team["id"], last.isoformat(), first.isoformat(), LPM],
        )
    ]
