"""What the meeting hears and decides: requests to discuss a family, and outcomes.

Outcomes are a short note of the decision plus any new review date or stage;
the full record stays in the case system (policy section 9).
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from webapp.accounts.teams import team_today
from webapp.cases.families import move_stage, parse_stage, set_review
from webapp.cases.lifecycle import parse_scaling
from webapp.cases.meetings import (
    get_meeting,
    request_meeting_date,
    start_meeting,
)
from webapp.errors import BadInput
from webapp.meeting.agenda import build_agenda
from webapp.store import events
from webapp.store.connection import utcnow
from webapp.values.actor import Actor
from webapp.values.dates import parse_date

MAX_NOTE = 500


def clean_note(note: str | None, *, required: bool) -> str:
    text = " ".join((note or "").split())
    if required and not text:
        raise BadInput("write a short note of the decision")
    if len(text) > MAX_NOTE:
        raise BadInput(f"keep the note short: at most {MAX_NOTE} characters, not {len(text)}")
    return text


def request_discussion(
    db: Database,
    team: dict,
    row: dict,
    *,
    actor: Actor,
    note: str | None = None,
    meeting_date: date | None = None,
) -> dict:
    """Ask for a family to be discussed at this week's meeting (any role may ask); once
    that meeting is over, at the next one (:func:`request_meeting_date`)."""
    if row["closed"]:
        raise BadInput(f"{row['initials']} is closed and not on the boards")
    note = clean_note(note, required=False)
    meeting_date = meeting_date or request_meeting_date(db, team)
    already = list(
        db["agenda_requests"].rows_where(
            "family_id = ? and requested_by = ? and resolved_at is null", [row["id"], actor.user]
        )
    )
    if already:
        raise BadInput(f"you have already asked for {row['initials']} to be discussed")
    pk = (
        db["agenda_requests"]
        .insert(
            {
                "team_id": team["id"],
                "family_id": row["id"],
                "requested_by": actor.user,
                "requested_at": utcnow(),
                "requested_on": team_today(team).isoformat(),
                "note": note or None,
                "meeting_date": meeting_date.isoformat(),
            }
        )
        .last_pk
    )
    return db["agenda_requests"].get(pk)


def open_request(db: Database, row: dict, user_id: int) -> dict | None:
    """This user's request to discuss this family that no meeting has dealt with yet."""
    rows = list(
        db["agenda_requests"].rows_where(
            "family_id = ? and requested_by = ? and resolved_at is null",
            [row["id"], user_id],
            limit=1,
        )
    )
    return rows[0] if rows else None


def record_outcome(
    db: Database,
    team: dict,
    row: dict,
    *,
    actor: Actor,
    review: str | date | None = None,
    stage: str | int | None = None,
    note: str,
    meeting_date: str | date,
    scaling: str | int | None = None,
) -> dict:
    """Record the meeting's decision on one family: a short note, any new review date
    or stage, and the Signs of Safety scaling score (0-10) if the meeting scaled. All in
    one transaction; the family's open requests to discuss are resolved.
    Returns the family's updated row."""
    meeting_date = parse_date(meeting_date, "meeting date")
    note = clean_note(note, required=True)
    if row["closed"]:
        raise BadInput(f"{row['initials']} is closed; reopen it before recording an outcome")
    new_review = parse_date(review, "review") if review else None
    if new_review and new_review.isoformat() == row["next_review"]:
        new_review = None  # the form shows the current date; keeping it is no change
    if new_review and new_review < meeting_date:
        raise BadInput("the new review date must be on or after the meeting date")
    new_stage = parse_stage(stage) if stage not in (None, "") else None
    score = parse_scaling(scaling) if str(scaling or "").strip() else None
    snapshot = _snapshot(db, team, row, meeting_date)
    detail = {"meeting_date": meeting_date.isoformat(), "note": note, "agenda": snapshot}
    if score is not None:
        detail["scaling"] = score
    with db.atomic():
        if get_meeting(db, team, meeting_date) is None:
            start_meeting(db, team, meeting_date, actor=actor)
        current = row
        if new_review:
            current = set_review(db, current, team, new_review, actor=actor)
            detail["review"] = {"from": row["next_review"], "to": current["next_review"]}
        if new_stage and new_stage != row["stage"]:
            current = move_stage(db, current, team, new_stage, actor=actor)
            detail["stage"] = {"from": row["stage"], "to": current["stage"]}
        events.record_event(db, team, row["id"], events.OUTCOME, detail, actor=actor)
        db.execute(
            """update agenda_requests set resolved_at = ?, resolved_by = ?
               where family_id = ? and resolved_at is null""",
            [utcnow(), actor.user, row["id"]],
        )
    return db["families"].get(row["id"])


def _snapshot(db: Database, team: dict, row: dict, on: date) -> dict:
    """Why the family is on the agenda now, kept with the outcome (see build_agenda)."""
    for item in build_agenda(db, team, on):
        if item["token"] == row["token"]:
            return {"reasons": item["reasons"], "details": item["details"]}
    return {"reasons": [], "details": {}}
