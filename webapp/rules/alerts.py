"""Open alerts: the store side of the review triggers, manager alerts and clinic actions.

An alert is open on a day D when it was triggered on or before D and has not been
followed up (docs/contract.md §5). :func:`open_alerts` is what the alerts page, the weekly
agenda (reason ``alert``) and ``caseboard alerts`` all show.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlite_utils import Database

from webapp.cases.bounds import check_text
from webapp.cases.families import get_family_row, parse_date
from webapp.errors import BadInput, NotFound
from webapp.rules import triggers
from webapp.rules.defaults import SM, TM
from webapp.rules.team_rules import ROLES, holiday_region, team_rules
from webapp.store.connection import utcnow

MANAGER, CLINIC = "manager", "clinic"


def _alert(family: dict, firing: triggers.Firing, on: date) -> dict:
    return {
        "token": family["token"],
        "initials": family["initials"],
        "stage": family["stage"],
        "worker": family["worker"],
        "rule": firing.rule,
        "kind": firing.kind,
        "key": firing.key,
        "due": firing.due.isoformat(),
        "days_open": (on - firing.due).days,
        "role": firing.role,
        "message": firing.message,
        "family_id": family["id"],
    }


def _families(db: Database, team: dict, on: date, family_id: int | None) -> list[dict]:
    where = "team_id = ? and opened <= ? and (closed is null or closed > ?)"
    params: list = [team["id"], on.isoformat(), on.isoformat()]
    if family_id is not None:
        where += " and id = ?"
        params.append(family_id)
    return list(db["families"].rows_where(where, params, order_by="id"))


def _flags(db: Database, team: dict) -> dict[int, list[dict]]:
    found = defaultdict(list)
    for r in db.query(
        """select f.* from flags f join families fa on fa.id = f.family_id
           where fa.team_id = ?""",
        [team["id"]],
    ):
        found[r["family_id"]].append(r)
    return found


def _follow_ups(db: Database, team: dict) -> dict[tuple[int, str], list[date]]:
    found = defaultdict(list)
    for r in db.query(
        "select family_id, alert_key, followed_on from follow_ups where team_id = ?",
        [team["id"]],
    ):
        found[(r["family_id"], r["alert_key"])].append(date.fromisoformat(r["followed_on"]))
    return found


def _manager_firings(db: Database, team: dict, on: date) -> dict[int, list[tuple]]:
    """Family id -> (firing, lower bound for a closing follow-up) for manager alerts due."""
    found = defaultdict(list)
    for r in db.query(
        "select * from manager_alerts where team_id = ? and due_on <= ?",
        [team["id"], on.isoformat()],
    ):
        timescale = f" ({r['timescale']})" if r["timescale"] else ""
        firing = triggers.Firing(
            MANAGER,
            MANAGER,
            f"{MANAGER}:{r['id']}",
            date.fromisoformat(r["due_on"]),
            r["role"] or SM,
            f"{r['action']}{timescale}",
        )
        found[r["family_id"]].append((firing, date.fromisoformat(r["created_at"][:10])))
    return found


def _clinic_firings(db: Database, team: dict, on: date) -> dict[int, list[triggers.Firing]]:
    """Clinic actions past their due date and not done: the team manager takes them
    forward (Case Progression Clinic Terms of Reference §5)."""
    found = defaultdict(list)
    for r in db.query(
        """select a.*, b.family_id from clinic_actions a
           join clinic_bookings b on b.id = a.booking_id
           where b.team_id = ? and a.due_on <= ? and (a.done_on is null or a.done_on > ?)""",
        [team["id"], on.isoformat(), on.isoformat()],
    ):
        found[r["family_id"]].append(
            triggers.Firing(
                CLINIC,
                CLINIC,
                f"{CLINIC}:{r['id']}",
                date.fromisoformat(r["due_on"]),
                TM,
                f"clinic action due: {r['text']} ({r['owner']})",
            )
        )
    return found


def open_alerts(db: Database, team: dict, on: date, *, family_id: int | None = None) -> list[dict]:
    """Every alert open on ``on``, oldest first.

    Each is a dict with ``token``, ``initials``, ``stage``, ``worker``, ``rule``,
    ``kind``, ``key`` (what a follow-up names), ``due`` (the date it triggered),
    ``days_open``, ``role``, ``message`` and ``family_id``.
    """
    rules = [r for r in team_rules(db, team) if r["kind"] in triggers.TRIGGER_KINDS]
    region = holiday_region(team)
    flags, follow_ups = _flags(db, team), _follow_ups(db, team)
    manager, clinic = _manager_firings(db, team, on), _clinic_firings(db, team, on)
    found = []
    for family in _families(db, team, on, family_id):
        fid = family["id"]
        # (firing, earliest date a follow-up may close it)
        candidates = [
            (f, f.due) for f in triggers.family_firings(rules, family, flags[fid], on, region)
        ]
        candidates += [(f, min(created, f.due)) for f, created in manager[fid]]
        candidates += [(f, f.due) for f in clinic[fid]]
        for firing, since in candidates:
            if triggers.is_open(since, follow_ups.get((fid, firing.key), ()), on):
                found.append(_alert(family, firing, on))
    found.sort(key=lambda a: (a["due"], a["token"], a["key"]))
    return found


def alerts_for_family(db: Database, team: dict, family_row: dict, on: date) -> list[dict]:
    """The alerts open on ``on`` for one family (for the tile page)."""
    return open_alerts(db, team, on, family_id=family_row["id"])


def follow_up(
    db: Database,
    team: dict,
    token: str,
    alert_key: str,
    *,
    on: date,
    note: str = "",
    user_id: int | None = None,
) -> dict:
    """Record that an open alert was followed up on ``on``; this closes it."""
    row = get_family_row(db, token, team)
    on = parse_date(on, "follow-up date")
    keys = {a["key"] for a in alerts_for_family(db, team, row, on)}
    if alert_key not in keys:
        shown = ", ".join(sorted(keys)) or "none"
        raise NotFound(f"{row['token']} has no open alert {alert_key!r} on {on} (open: {shown})")
    record = {
        "team_id": team["id"],
        "family_id": row["id"],
        "alert_key": alert_key,
        "followed_on": on.isoformat(),
        "note": check_text(note or "", "note") or None,
        "user_id": user_id,
        "created_at": utcnow(),
    }
    record["id"] = db["follow_ups"].insert(record).last_pk
    return record


def add_manager_alert(
    db: Database,
    team: dict,
    token: str,
    *,
    due_on: date | str,
    action: str,
    timescale: str | None = None,
    role: str = SM,
    user_id: int | None = None,
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
        "user_id": user_id,
        "created_at": utcnow(),
    }
    record["id"] = db["manager_alerts"].insert(record).last_pk
    return record
