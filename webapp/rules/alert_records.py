"""What people record against alerts: the follow-up that closes one firing, an interim
core assessment, and a one-off manager alert. The reading side, which alerts are open
on a day, is :mod:`webapp.rules.alerts`."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from webapp.accounts.roles import HOP, SM
from webapp.cases.families import get_family_row
from webapp.errors import BadInput, NotAllowed, NotFound
from webapp.rules.alerts import alerts_for_family
from webapp.rules.team_rules import ROLES, holiday_region
from webapp.store.connection import utcnow
from webapp.values.actor import Actor
from webapp.values.bounds import check_text
from webapp.values.dates import parse_date
from webapp.values.workdays import core_assessment_due


def may_follow_up(user_role: str, alert_role: str) -> bool:
    """A head of practice's trigger is answered by a head of practice (or an admin); the
    triggers say the head of practice is the one alerted, so a team manager closing it
    would hide it from them."""
    if alert_role == HOP:
        return user_role in ("head-of-practice", "admin")
    return True


def follow_up(
    db: Database,
    team: dict,
    token: str,
    alert_key: str,
    *,
    on: date,
    due: date | str | None = None,
    note: str = "",
    actor: Actor,
    by_role: str | None = None,
) -> dict:
    """Record that one firing of an alert was followed up on ``on``; this closes it.
    ``by_role`` is the user role of whoever records it (see :func:`may_follow_up`).

    ``due`` names the firing (its due date); without it, the oldest firing of
    ``alert_key`` still open is the one answered.
    """
    row = get_family_row(db, token, team)
    on = parse_date(on, "follow-up date")
    if alert_key == "core-assessment":
        raise BadInput(
            "the core-assessment alert stays open until the assessment is recorded done "
            "(family set --assessment-done)"
        )
    open_now = [a for a in alerts_for_family(db, team, row, on) if a["key"] == alert_key]
    if due is not None:
        due = parse_date(due, "alert due date").isoformat()
        open_now = [a for a in open_now if a["due"] == due]
    if not open_now:
        shown = ", ".join(
            sorted(f"{a['key']} due {a['due']}" for a in alerts_for_family(db, team, row, on))
        )
        what = alert_key + (f" due {due}" if due else "")
        raise NotFound(f"{row['token']} has no open alert {what} on {on} (open: {shown or 'none'})")
    answered = min(open_now, key=lambda a: a["due"])
    if by_role is not None and not may_follow_up(by_role, answered["role"]):
        raise NotAllowed(f"only the {answered['role']} closes this trigger, not a {by_role}")
    record = {
        "team_id": team["id"],
        "family_id": row["id"],
        "alert_key": alert_key,
        "due_on": answered["due"],
        "followed_on": on.isoformat(),
        "note": check_text(note or "", "note") or None,
        "user_id": actor.user,
        "created_at": utcnow(),
    }
    record["id"] = db["follow_ups"].insert(record).last_pk
    return record


def record_interim_assessment(
    db: Database,
    team: dict,
    token: str,
    *,
    on: date | str,
    note: str | None = None,
    actor: Actor,
) -> dict:
    """Record an interim core assessment, which the Kent audit (§10.1) asks for where the
    full one cannot be done in 42 working days. It is shown with the alert; only the
    assessment marked done closes it."""
    row = get_family_row(db, token, team)
    if not row.get("s47"):
        raise BadInput(f"{row['token']} has no s.47 date, so no core assessment is due")
    on = parse_date(on, "interim assessment date")
    if on.isoformat() < row["s47"]:
        raise BadInput(f"an interim assessment cannot come before the s.47 date {row['s47']}")
    record = {
        "team_id": team["id"],
        "family_id": row["id"],
        "on_date": on.isoformat(),
        "note": check_text(note or "", "note") or None,
        "user_id": actor.user,
        "created_at": utcnow(),
    }
    record["id"] = db["interim_assessments"].insert(record).last_pk
    deadline = core_assessment_due(date.fromisoformat(row["s47"]), holiday_region(team))
    return {**record, "deadline": deadline.isoformat(), "late": on > deadline}


def add_manager_alert(
    db: Database,
    team: dict,
    token: str,
    *,
    due_on: date | str,
    action: str,
    timescale: str | None = None,
    role: str = SM,
    actor: Actor,
) -> dict:
    """A one-off alert on a chosen date with an action and a timescale
    (e.g. "request school information", "within two weeks"). It stays open until
    someone records the follow-up."""
    row = get_family_row(db, token, team)
    action = check_text(action or "", "action")
    if not action:
        raise BadInput("say what action the alert is for")
    if role not in ROLES:
        raise BadInput(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    record = {
        "team_id": team["id"],
        "family_id": row["id"],
        "due_on": parse_date(due_on, "alert date").isoformat(),
        "action": action,
        "timescale": check_text(timescale or "", "timescale") or None,
        "role": role,
        "user_id": actor.user,
        "created_at": utcnow(),
    }
    record["id"] = db["manager_alerts"].insert(record).last_pk
    return record
