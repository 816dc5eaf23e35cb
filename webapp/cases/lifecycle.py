"""A case's life after registration (docs/contract.md §6): changes from a date, closing
or stepping down, and reopening as a new episode (a transfer to another team is in
:mod:`webapp.cases.transfers`).

Every change is checked in full before anything is written, then written in one
transaction with a dated event (``on_date`` is the date it takes effect), so the tile's
history, the review triggers and the drift report all count from the right day.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from tilegen import domain
from webapp.accounts.teams import team_settings, team_today
from webapp.cases.closure_checks import (  # noqa: F401 (VIEWS, read by the pages)
    VIEWS,
    clean_reason,
    parse_scaling,
    parse_views,
    views_lacking,
)
from webapp.cases.families import (
    canonical_name,
    parse_date,
    parse_stage,
)
from webapp.errors import BadInput
from webapp.store import access_log, events
from webapp.store.connection import utcnow
from webapp.values.actor import Actor
from webapp.values.bounds import check_text

CLOSED_AS = ("closed", "stepped-down")
#: The dates ``family set`` can record, each a column of ``families``.
CASE_DATES = {
    "proceedings_start": "proceedings start",
    "s47": "s.47 referral",
    "assessment_done": "assessment done",
}


# -- checking -------------------------------------------------------------------------


def effective_date(row: dict, team: dict, on: str | date | None, what: str = "date") -> date:
    """The date a change takes effect (default the team's today); never before the case
    opened."""
    day = parse_date(on, what) if on else team_today(team)
    not_before_opening(row, day, what)
    return day


def not_before_opening(row: dict, day: date, what: str) -> None:
    if row["opened"] and day.isoformat() < row["opened"]:
        raise BadInput(f"the {what} {day} is before the case opened on {row['opened']}")


def _open_case(row: dict, doing: str) -> None:
    if row["closed"]:
        raise BadInput(
            f"{row['token']} is closed (since {row['closed']}); reopen it before {doing}"
        )


def _log(db, row, team, action, detail, day, *, actor: Actor) -> None:
    """The access-log entry of a change, with the day it takes effect and the day it was
    entered (they differ for a change entered late, docs/contract.md §12). Without the
    client's address, as these entries have always been written."""
    dates = {"effective_date": day.isoformat(), "entered_on": team_today(team).isoformat()}
    access_log.record(db, team["id"], action, row["token"], {**detail, **dates},
                      actor=actor.without_address())  # fmt: skip


# -- family set -----------------------------------------------------------------------


def _active_flags(db: Database, family_id: int) -> dict[str, dict]:
    return {
        r["name"].lower(): r
        for r in db["flags"].rows_where("family_id = ? and removed_on is null", [family_id])
    }


def _plan_changes(db, row, team, day, fields) -> tuple[dict, list, list, list[dict]]:
    """Check every requested change; returns (column changes, flags to add, flag rows to
    end, change events' details). Raises BadInput before anything is written."""
    settings = team_settings(team)
    changes, details = {}, []
    case_type = fields.get("case_type")
    if case_type:
        new = canonical_name(case_type, settings["case_types"], "case type")
        if new != row["case_type"]:
            changes.update(case_type=new, type_since=day.isoformat())
            details.append({"field": "case_type", "from": row["case_type"], "to": new})
    for column, what in CASE_DATES.items():
        value = fields.get(column)
        if value:
            new = parse_date(value, what)
            if column != "proceedings_start":  # a court clock may start before registration
                not_before_opening(row, new, what)
            if new.isoformat() != row[column]:
                changes[column] = new.isoformat()
                details.append({"field": column, "from": row[column], "to": new.isoformat()})
    s47, done = (
        changes.get("s47", row["s47"]),
        changes.get("assessment_done", row["assessment_done"]),
    )
    if s47 and done and done < s47:
        raise BadInput(f"the assessment cannot be done ({done}) before the s.47 date {s47}")
    worker = check_text(fields.get("worker") or "", "worker")
    if worker and worker != row["worker"]:
        changes["worker"] = worker
        details.append({"field": "worker", "from": row["worker"], "to": worker})
    if fields.get("initials"):
        try:
            codes = " ".join(domain.board_codes(fields["initials"]))
        except ValueError as exc:
            raise BadInput(str(exc)) from None
        if codes != row["initials"]:
            # The printed tile shows the old codes: back in the unprinted queue.
            changes.update(initials=codes, tile_printed_at=None)
            details.append({"field": "initials", "from": row["initials"], "to": codes})
    active = _active_flags(db, row["id"])
    add = [canonical_name(f, settings["flags"], "flag") for f in fields.get("flags") or ()]
    end = [canonical_name(f, settings["flags"], "flag") for f in fields.get("unflags") or ()]
    for name in add:
        if name.lower() in active or name in end:
            raise BadInput(f"{row['token']} already has the flag {name}")
    for name in end:
        if name.lower() not in active:
            raise BadInput(f"{row['token']} has no flag {name} to remove")
        if active[name.lower()]["added_on"] > day.isoformat():
            raise BadInput(f"the flag {name} was added after {day}")
    return changes, sorted(set(add)), [active[n.lower()] for n in end], details


def set_case(
    db: Database,
    row: dict,
    team: dict,
    *,
    on: str | date | None = None,
    actor: Actor,
    **fields,
) -> dict:
    """Change an open case from date ``on``: ``case_type``, ``flags`` (to add), ``unflags``
    (to remove), ``proceedings_start``, ``s47``, ``assessment_done``, ``worker``,
    ``initials``. Each change is its own dated event; returns the updated row."""
    _open_case(row, "changing it")
    day = effective_date(row, team, on)
    changes, add, end, details = _plan_changes(db, row, team, day, fields)
    if not (changes or add or end):
        raise BadInput(f"nothing to change for {row['token']}: every value is as stored")
    with db.atomic():
        if changes:
            db["families"].update(row["id"], {**changes, "updated_at": utcnow()})
        for detail in details:
            events.record_event(db, team, row["id"], events.CHANGED, detail, actor=actor, on=day)
        for name in add:
            db["flags"].insert({"family_id": row["id"], "name": name, "added_on": day.isoformat()})
            events.record_event(
                db, team, row["id"], events.FLAG_ADDED, {"flag": name}, actor=actor, on=day
            )
        for flag in end:
            db["flags"].update(flag["id"], {"removed_on": day.isoformat()})
            ended = {"flag": flag["name"]}
            events.record_event(
                db, team, row["id"], events.FLAG_REMOVED, ended, actor=actor, on=day
            )
        changed = {d["field"]: d["to"] for d in details}
        changed.update({"flags": add, "unflags": [f["name"] for f in end]})
        shown = {k: v for k, v in changed.items() if v}
        _log(db, row, team, access_log.CASE_CHANGE, shown, day, actor=actor)
    return db["families"].get(row["id"])


# -- closing and reopening ------------------------------------------------------------------


def close_case(
    db: Database,
    row: dict,
    team: dict,
    *,
    closed_as: str = "closed",
    views: str | list[str] | None = None,
    scaling: str | int | None = None,
    reason: str | None = None,
    on: str | date | None = None,
    actor: Actor,
) -> dict:
    """Close the case or step it down. The Kent policy asks that no case is closed
    "without explicit consideration of the views of the child, family and the
    professional network" (§5, §7), on "clear evidence (through Signs of Safety
    scaling)" (§11): both are required. All three views are needed; where one could not
    be had, ``reason`` must say why (docs/contract.md §16).

    The case's flags end on the closing date, so nothing from this episode fires again
    if it is ever reopened."""
    if row["closed"]:
        raise BadInput(f"{row['token']} is already closed (since {row['closed']})")
    if closed_as not in CLOSED_AS:
        raise BadInput(f"close --as closed or stepped-down, not {closed_as!r}")
    views = parse_views(views)
    scaling = parse_scaling(scaling)
    reason = clean_reason(reason)
    views_lacking(views, reason)
    day = effective_date(row, team, on, "closing date")
    ended = sorted(_active_flags(db, row["id"]).values(), key=lambda f: f["name"])
    detail = {
        "on": day.isoformat(),
        "as": closed_as,
        "views": views,
        "scaling": scaling,
        "reason": reason,
        "flags_ended": [f["name"] for f in ended],
    }
    with db.atomic():
        db["families"].update(
            row["id"],
            {
                "closed": day.isoformat(),
                "closed_as": closed_as,
                "closed_views": ",".join(views),
                "closed_scaling": scaling,
                "closed_reason": reason,
                "updated_at": utcnow(),
            },
        )
        for flag in ended:
            db["flags"].update(flag["id"], {"removed_on": day.isoformat()})
        events.record_event(db, team, row["id"], events.CLOSED, detail, actor=actor, on=day)
        _log(db, row, team, access_log.CASE_CLOSE, {"as": closed_as}, day, actor=actor)
    return db["families"].get(row["id"])


#: What a new episode starts without: the old episode's dates and closure details.
_EPISODE_COLUMNS = (
    "closed",
    "closed_as",
    "closed_views",
    "closed_scaling",
    "closed_reason",
    "proceedings_start",
    "s47",
    "assessment_done",
    "type_since",
)


def reopen_case(
    db: Database,
    row: dict,
    team: dict,
    *,
    review: str | date | None = None,
    stage: str | int | None = None,
    on: str | date | None = None,
    actor: Actor,
) -> dict:
    """Start a new episode on ``on`` with a new review date (required) on stage ``stage``
    (default 1): ``opened`` becomes that day and the old episode's dates are cleared, so
    nothing of the old episode fires, counts as overdue or counts time in stage in the new
    one (docs/contract.md §12). The event keeps the gap, for the drift report's
    start-again section, and the old episode's dates, for its history."""
    if not row["closed"]:
        raise BadInput(f"{row['token']} is not closed")
    if not review:
        raise BadInput("give the new episode's review date (--review YYYY-MM-DD)")
    day = parse_date(on, "reopening date") if on else team_today(team)
    if day.isoformat() < row["closed"]:
        raise BadInput(f"the reopening date {day} is before the case closed on {row['closed']}")
    new_review = parse_date(review, "review").isoformat()
    new_stage = parse_stage(stage) if stage not in (None, "") else 1
    closed = date.fromisoformat(row["closed"])
    detail = {
        "closed_on": row["closed"],
        "closed_as": row["closed_as"],
        "opened_before": row["opened"],
        "days_closed": (day - closed).days,
        "stage": new_stage,
        "next_review": new_review,
        "episode": {k: row.get(k) for k in ("proceedings_start", "s47", "assessment_done")},
    }
    with db.atomic():
        changes = dict.fromkeys(_EPISODE_COLUMNS)
        db["families"].update(
            row["id"],
            {
                **changes,
                "opened": day.isoformat(),
                "stage": new_stage,
                "next_review": new_review,
                "updated_at": utcnow(),
            },
        )
        # Flags of a case closed before closing ended them belong to the old episode too.
        db.execute(
            "update flags set removed_on = ? where family_id = ? and removed_on is null",
            [row["closed"], row["id"]],
        )
        events.record_event(db, team, row["id"], events.REOPENED, detail, actor=actor, on=day)
        shown = {"stage": new_stage, "next_review": new_review}
        _log(db, row, team, access_log.CASE_REOPEN, shown, day, actor=actor)
    return db["families"].get(row["id"])


def scaling_series(history: list[dict]) -> list[dict]:
    """The Signs of Safety scaling scores recorded for a case, oldest first: one per
    meeting outcome that recorded one, and the score at closing. ``history`` is
    :func:`webapp.store.events.family_history` (newest first)."""
    found = []
    for e in reversed(history):
        score = e["detail"].get("scaling")
        if score is None or e["kind"] not in (events.OUTCOME, events.CLOSED):
            continue
        on = e["detail"].get("meeting_date") or e["detail"].get("on") or e["on_date"]
        found.append({"on": on, "score": score, "closing": e["kind"] == events.CLOSED})
    return found
