"""Audits of the Case Progression meeting (Kent Case Progression Policy §11): as a
minimum each meeting is audited every two months against the quality assurance tool."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from webapp.errors import BadInput
from webapp.rules.team_rules import limit
from webapp.store.connection import utcnow
from webapp.values.actor import Actor
from webapp.values.bounds import check_text
from webapp.values.dates import parse_date
from webapp.values.workdays import add_months


def add_audit(
    db: Database,
    team: dict,
    *,
    on: date | str,
    auditor: str,
    note: str | None = None,
    actor: Actor,
) -> dict:
    """Record that the team's meeting was audited on ``on`` by ``auditor``."""
    auditor = check_text(auditor or "", "auditor")
    if not auditor:
        raise BadInput("say who audited the meeting")
    record = {
        "team_id": team["id"],
        "audited_on": parse_date(on, "audit date").isoformat(),
        "auditor": auditor,
        "note": check_text(note or "", "note") or None,
        "user_id": actor.user,
        "created_at": utcnow(),
    }
    record["id"] = db["qa_audits"].insert(record).last_pk
    return record


def audit_status(db: Database, team: dict, on: date) -> dict:
    """The last audit on or before ``on``, when the next is due, and whether it is overdue."""
    months = limit(db, team, "audit_interval")["months"]
    rows = list(
        db.query(
            """select * from qa_audits where team_id = ? and audited_on <= ?
               order by audited_on desc, id desc limit 1""",
            [team["id"], on.isoformat()],
        )
    )
    last = rows[0] if rows else None
    due = add_months(date.fromisoformat(last["audited_on"]), months) if last else None
    return {
        "last_audit": last["audited_on"] if last else None,
        "auditor": last["auditor"] if last else None,
        "interval_months": months,
        "next_due": due.isoformat() if due else None,
        "prompt": due is None or on >= due,
    }


def audits(db: Database, team: dict) -> list[dict]:
    return list(db["qa_audits"].rows_where("team_id = ?", [team["id"]], order_by="audited_on desc"))
