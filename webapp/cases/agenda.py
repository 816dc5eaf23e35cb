"""The weekly Case Progression meeting: its agenda, requests to discuss, and outcomes.

The agenda follows the Case Progression policy (seed 000, section 5): the
boards show which families need discussing this week; tiles in the red
(overdue) and amber (due within the amber window) sections come first, then
tiles that moved stage since the last meeting, new tiles, and families a
practitioner asked to discuss. Open alerts from the review rules are added
after amber. A family appears once, under its most urgent reason; the other
reasons stay in its ``reasons`` list.

Outcomes are a short note of the decision plus any new review date or stage;
the full record stays in the case system (policy section 9).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlite_utils import Database

from webapp.cases.families import (
    family_view,
    move_stage,
    parse_date,
    parse_stage,
    set_review,
    team_flags,
)
from webapp.cases.teams import stage_names, team_settings, team_today
from webapp.errors import BadInput
from webapp.rules.alerts import open_alerts
from webapp.store import events
from webapp.store.connection import utcnow

#: Reasons, most urgent first: the order of the agenda's sections.
REASONS = ("red", "amber", "alert", "moved", "new", "requested")
REASON_TITLES = {
    "red": "Overdue (red)",
    "amber": "Due soon (amber)",
    "alert": "Open alerts",
    "moved": "Moved stage since the last meeting",
    "new": "New tiles",
    "requested": "Asked to discuss",
}
#: Without a previous meeting, "since the last meeting" means the last week.
DEFAULT_WINDOW_DAYS = 7
MAX_NOTE = 500
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# -- the meeting's date --------------------------------------------------------


def meeting_weekday(team: dict) -> int | None:
    """The team's meeting day (0 = Monday), or None when the team has not set one."""
    name = team_settings(team).get("meeting_day")
    return WEEKDAYS.index(name) if name in WEEKDAYS else None


def next_meeting_date(team: dict, today: date | None = None) -> date:
    """The date of "this week's" meeting: the team's meeting day on or after today.

    A team with no meeting day set meets whenever it opens the agenda: today.
    """
    today = today or team_today(team)
    weekday = meeting_weekday(team)
    if weekday is None:
        return today
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def get_meeting(db: Database, team: dict, on: date) -> dict | None:
    rows = list(
        db["meetings"].rows_where("team_id = ? and meeting_date = ?", [team["id"], on.isoformat()])
    )
    return rows[0] if rows else None


def previous_meeting(db: Database, team: dict, on: date) -> dict | None:
    """The last meeting held before ``on``."""
    rows = list(
        db["meetings"].rows_where(
            "team_id = ? and meeting_date < ?",
            [team["id"], on.isoformat()],
            order_by="meeting_date desc",
            limit=1,
        )
    )
    return rows[0] if rows else None


def since_date(db: Database, team: dict, on: date) -> date:
    """Changes strictly after this date count as "since the last meeting"."""
    previous = previous_meeting(db, team, on)
    if previous:
        return date.fromisoformat(previous["meeting_date"])
    return on - timedelta(days=DEFAULT_WINDOW_DAYS)


def start_meeting(db: Database, team: dict, on: date, user_id: int | None) -> dict:
    """Record that the meeting of ``on`` is being held (idempotent; reopens a closed one)."""
    existing = get_meeting(db, team, on)
    if existing:
        if existing["closed_at"]:
            db["meetings"].update(existing["id"], {"closed_at": None, "closed_by": None})
        return db["meetings"].get(existing["id"])
    pk = (
        db["meetings"]
        .insert(
            {
                "team_id": team["id"],
                "meeting_date": on.isoformat(),
                "started_at": utcnow(),
                "chaired_by": user_id,
            }
        )
        .last_pk
    )
    return db["meetings"].get(pk)


def close_meeting(db: Database, team: dict, on: date, user_id: int | None) -> dict:
    """Mark the meeting of ``on`` as finished. Open requests carry over to the next one."""
    meeting = get_meeting(db, team, on)
    if meeting is None:
        raise BadInput(f"no meeting was started on {on.isoformat()}")
    if meeting["closed_at"]:
        raise BadInput(f"the meeting of {on.isoformat()} is already closed")
    db["meetings"].update(meeting["id"], {"closed_at": utcnow(), "closed_by": user_id})
    return db["meetings"].get(meeting["id"])


def recent_meetings(db: Database, team: dict, limit: int = 10) -> list[dict]:
    """Meetings held, newest first, with the chair's name and the outcomes recorded."""
    return list(
        db.query(
            """select m.*, u.username as chair,
                 (select count(*) from events e where e.team_id = m.team_id
                    and e.kind = ? and json_extract(e.detail, '$.meeting_date') = m.meeting_date)
                   as outcomes
               from meetings m left join users u on u.id = m.chaired_by
               where m.team_id = ? order by m.meeting_date desc limit ?""",
            [events.OUTCOME, team["id"], limit],
        )
    )


# -- asking for a discussion -------------------------------------------------------


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
    user_id: int,
    *,
    note: str | None = None,
    meeting_date: date | None = None,
) -> dict:
    """Ask for a family to be discussed at this week's meeting (any role may ask)."""
    if row["closed"]:
        raise BadInput(f"{row['initials']} is closed and not on the boards")
    note = clean_note(note, required=False)
    meeting_date = meeting_date or next_meeting_date(team)
    already = list(
        db["agenda_requests"].rows_where(
            "family_id = ? and requested_by = ? and resolved_at is null", [row["id"], user_id]
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
                "requested_by": user_id,
                "requested_at": utcnow(),
                "requested_on": team_today(team).isoformat(),
                "note": note or None,
                "meeting_date": meeting_date.isoformat(),
            }
        )
        .last_pk
    )
    return db["agenda_requests"].get(pk)


def open_requests(db: Database, team: dict, on: date) -> dict[int, list[dict]]:
    """Family id -> its unresolved requests made on or before ``on``, oldest first."""
    found: dict[int, list[dict]] = {}
    for r in db.query(
        """select r.*, u.username from agenda_requests r left join users u on u.id = r.requested_by
           where r.team_id = ? and r.resolved_at is null and r.requested_on <= ?
           order by r.requested_at, r.id""",
        [team["id"], on.isoformat()],
    ):
        found.setdefault(r["family_id"], []).append(
            {"by": r["username"], "note": r["note"], "on": r["requested_on"]}
        )
    return found


# -- building the agenda -------------------------------------------------------------


def _stage_moves(db: Database, team: dict, since: date, on: date) -> dict[int, dict]:
    """Family id -> its net stage move in (since, on]; moves that came back are left out."""
    moves: dict[int, dict] = {}
    for e in db.query(
        """select family_id, detail, on_date from events
           where team_id = ? and kind = ? and on_date > ? and on_date <= ? order by at, id""",
        [team["id"], events.STAGE_MOVED, since.isoformat(), on.isoformat()],
    ):
        detail = json.loads(e["detail"] or "{}")
        move = moves.setdefault(e["family_id"], {"from": detail.get("from")})
        move.update({"to": detail.get("to"), "on": e["on_date"]})
    return {k: v for k, v in moves.items() if v["from"] != v["to"]}


def _new_tiles(db: Database, team: dict, since: date, on: date) -> dict[int, dict]:
    """Family id -> when it was registered (or reopened) in (since, on]."""
    found: dict[int, dict] = {}
    for e in db.query(
        """select family_id, kind, on_date from events
           where team_id = ? and kind in (?, ?) and on_date > ? and on_date <= ? order by at, id""",
        [team["id"], events.CREATED, events.REOPENED, since.isoformat(), on.isoformat()],
    ):
        found[e["family_id"]] = {"on": e["on_date"], "reopened": e["kind"] == events.REOPENED}
    return found


def _alerts_by_token(db: Database, team: dict, on: date) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for alert in open_alerts(db, team, on):
        found.setdefault(alert["token"], []).append(
            {k: alert.get(k) for k in ("rule", "key", "due", "role", "message")}
        )
    return found


def _outcomes(db: Database, team: dict, on: date) -> dict[int, list[dict]]:
    """Family id -> outcomes recorded for the meeting of ``on``, oldest first."""
    found: dict[int, list[dict]] = {}
    for e in db.query(
        """select e.family_id, e.detail, e.at, u.username from events e
           left join users u on u.id = e.user_id
           where e.team_id = ? and e.kind = ? and json_extract(e.detail, '$.meeting_date') = ?
           order by e.at, e.id""",
        [team["id"], events.OUTCOME, on.isoformat()],
    ):
        found.setdefault(e["family_id"], []).append(
            {**json.loads(e["detail"]), "at": e["at"], "by": e["username"]}
        )
    return found


def _reasons(view: dict, family_id: int, found: dict) -> dict[str, object]:
    """Reason -> its details for one family, in order of urgency."""
    reasons: dict[str, object] = {}
    if view["status"] in ("red", "amber"):
        reasons[view["status"]] = {"due": view["due"], "next_review": view["next_review"]}
    if view["token"] in found["alert"]:
        reasons["alert"] = found["alert"][view["token"]]
    for name in ("moved", "new", "requested"):
        if family_id in found[name]:
            reasons[name] = found[name][family_id]
    return reasons


def build_agenda(db: Database, team: dict, on: date) -> list[dict]:
    """The agenda for the meeting of ``on``: one item per family, most urgent reason first.

    Within a reason, items follow board order (stage, then board code). A family
    whose outcome was already recorded at this meeting keeps the place it had
    when it was discussed, so the agenda does not reshuffle during the meeting.
    """
    since = since_date(db, team, on)
    found = {
        "alert": _alerts_by_token(db, team, on),
        "moved": _stage_moves(db, team, since, on),
        "new": _new_tiles(db, team, since, on),
        "requested": open_requests(db, team, on),
    }
    outcomes = _outcomes(db, team, on)
    names = stage_names(db, team)
    flags = team_flags(db, team)
    items = []
    for row in db["families"].rows_where(
        "team_id = ? and closed is null and substr(created_at, 1, 10) <= ?",
        [team["id"], on.isoformat()],
    ):
        view = family_view(db, row, team, on, flags.get(row["id"], []))
        recorded = outcomes.get(row["id"], [])
        if recorded:
            snapshot = recorded[0].get("agenda") or {}
            reasons = {r: snapshot.get("details", {}).get(r) for r in snapshot.get("reasons", [])}
        else:
            reasons = _reasons(view, row["id"], found)
        if not reasons:
            continue
        items.append(_item(view, names, reasons, recorded))
    order = {reason: n for n, reason in enumerate(REASONS)}
    items.sort(key=lambda i: (order[i["reason"]], i["stage"], i["initials"], i["token"]))
    return items


def _item(view: dict, names: dict, reasons: dict, recorded: list[dict]) -> dict:
    item = {k: view[k] for k in ("token", "initials", "stage", "next_review", "status", "due")}
    item.update(
        stage_name=names.get(view["stage"], ""),
        worker=view["worker"],
        case_type=view["case_type"],
        flags=view["flags"],
        zone=view["zone"],
        reason=next(iter(reasons)),
        reasons=list(reasons),
        details=reasons,
        outcome=recorded[-1] if recorded else None,
    )
    item["summary"] = item_summary(item)
    return item


def item_summary(item: dict) -> str:
    """One line saying why a family is on the agenda, for tables and print."""
    parts = []
    details = item["details"]
    for reason in item["reasons"]:
        detail = details.get(reason)
        if reason in ("red", "amber"):
            # The review column already says how due it is; say more only if it changed.
            if detail and detail.get("due") != item["due"]:
                parts.append(f"was {detail['due']}")
        elif reason == "alert":
            parts.extend(f"alert: {a.get('message') or a.get('rule')}" for a in detail or [])
        elif reason == "moved" and detail:
            parts.append(f"moved stage {detail['from']} -> {detail['to']} on {detail['on']}")
        elif reason == "new" and detail:
            parts.append(f"{'reopened' if detail.get('reopened') else 'new'} on {detail['on']}")
        elif reason == "requested":
            for r in detail or []:
                parts.append(f"asked by {r['by']}" + (f": {r['note']}" if r.get("note") else ""))
    return "; ".join(parts)


def group_agenda(items: list[dict]) -> list[tuple[str, str, list[dict]]]:
    """(reason, title, items) for each reason that has items, in agenda order."""
    return [
        (reason, REASON_TITLES[reason], [i for i in items if i["reason"] == reason])
        for reason in REASONS
        if any(i["reason"] == reason for i in items)
    ]


# -- recording outcomes ------------------------------------------------------------------


def record_outcome(
    db: Database,
    team: dict,
    row: dict,
    user_id: int | None,
    *,
    review: str | date | None = None,
    stage: str | int | None = None,
    note: str,
    meeting_date: str | date,
    source: str = "web",
) -> dict:
    """Record the meeting's decision on one family: a short note, and any new review date
    or stage. All in one transaction; the family's open requests to discuss are resolved.
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
    snapshot = _snapshot(db, team, row, meeting_date)
    detail = {"meeting_date": meeting_date.isoformat(), "note": note, "agenda": snapshot}
    with db.atomic():
        if get_meeting(db, team, meeting_date) is None:
            start_meeting(db, team, meeting_date, user_id)
        current = row
        if new_review:
            current = set_review(db, current, team, new_review, user_id=user_id, source=source)
            detail["review"] = {"from": row["next_review"], "to": current["next_review"]}
        if new_stage and new_stage != row["stage"]:
            current = move_stage(db, current, team, new_stage, user_id=user_id, source=source)
            detail["stage"] = {"from": row["stage"], "to": current["stage"]}
        events.record_event(
            db, team["id"], row["id"], events.OUTCOME, detail, user_id, source, team["timezone"]
        )
        db.execute(
            """update agenda_requests set resolved_at = ?, resolved_by = ?
               where family_id = ? and resolved_at is null""",
            [utcnow(), user_id, row["id"]],
        )
    return db["families"].get(row["id"])


def _snapshot(db: Database, team: dict, row: dict, on: date) -> dict:
    """Why the family is on the agenda now, kept with the outcome (see build_agenda)."""
    for item in build_agenda(db, team, on):
        if item["token"] == row["token"]:
            return {"reasons": item["reasons"], "details": item["details"]}
    return {"reasons": [], "details": {}}
