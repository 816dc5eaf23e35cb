"""A team's rules in the store: review triggers, review intervals and report limits.

Every team starts with :data:`webapp.rules.defaults.DEFAULT_RULES` (seeded the first
time its rules are read); managers change the parameters or switch a rule off.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlite_utils import Database

from webapp.accounts.roles import HOP, SM, TM
from webapp.accounts.teams import team_settings, update_team_settings
from webapp.errors import BadInput, NotFound
from webapp.rules import defaults
from webapp.store.connection import utcnow
from webapp.values.bounds import check_number, check_text
from webapp.values.workdays import DEFAULT_REGION, check_region

#: Parameters a manager may change, per kind, and their type.
EDITABLE = {
    "duration": {"case_type": str, "first_weeks": int, "every_weeks": int},
    "flag": {"every_weeks": int, "flags": list},
    "shield": {"flag": str},
    "assessment": {"working_days": int},
    "statutory": {
        "case_type": str,
        "first_working_days": int,
        "first_months": int,
        "then_months": int,
        "every_months": int,
    },
    "review_interval": {"days": int},
    "stuck_limit": {"weeks": int},
    "audit_interval": {"months": int},
    "dip_sample": {"size": int, "from_months": int, "to_months": int, "seed": int},
    "reopen_window": {"months": int},
}
ROLES = (SM, HOP, TM)
#: The sensible range of each whole-number parameter (a larger one would overflow date
#: arithmetic on every tile page, or mean nothing).
RANGES = {
    "first_weeks": (1, 520),
    "every_weeks": (1, 104),
    "stage": (1, 6),
    "working_days": (1, 260),
    "days": (1, 365),
    "weeks": (1, 520),
    "months": (1, 120),
    "size": (1, 100),
    "from_months": (0, 120),
    "to_months": (1, 120),
    "seed": (0, 2**31 - 1),
}
MAX_NAME = 40  # a case type or flag name
MAX_ITEMS = 50


def _decode(row: dict) -> dict:
    return {
        **row,
        "params": json.loads(row["params"] or "{}"),
        "standing": defaults.standing(row["key"]),
    }


def seed_rules(db: Database, team: dict) -> None:
    """Give a team the default rules it does not have yet (safe to run twice)."""
    have = {
        r["key"] for r in db.query("select key from review_rules where team_id = ?", [team["id"]])
    }
    missing = [r for r in defaults.DEFAULT_RULES if r["key"] not in have]
    if not missing:
        return
    now = utcnow()
    with db.atomic():
        db["review_rules"].insert_all(
            {
                "team_id": team["id"],
                "key": r["key"],
                "kind": r["kind"],
                "role": r["role"],
                "params": json.dumps(r["params"]),
                "policy": r["policy"],
                "active": r.get("active", 1),
                "updated_at": now,
            }
            for r in missing
        )


def team_rules(db: Database, team: dict, kind: str | None = None) -> list[dict]:
    """The team's rules (seeded on first use), ``params`` decoded."""
    seed_rules(db, team)
    where, params = "team_id = ?", [team["id"]]
    if kind:
        where += " and kind = ?"
        params.append(kind)
    return [_decode(r) for r in db["review_rules"].rows_where(where, params, order_by="id")]


def get_rule(db: Database, team: dict, key: str) -> dict:
    for rule in team_rules(db, team):
        if rule["key"] == key:
            return rule
    raise NotFound(f"no rule called {key!r}")


def _coerce(kind: str, name: str, value):
    types = EDITABLE.get(kind, {})
    if name not in types:
        allowed = ", ".join(types) or "nothing"
        raise BadInput(f"a {kind} rule has no setting {name!r} (it has {allowed})")
    wanted = types[name]
    if wanted is int:
        low, high = RANGES.get(name, (0, 10_000))
        return int(check_number(value, name, low, high, whole=True))
    if wanted is list:
        items = value if isinstance(value, list) else str(value).split(",")
        items = [check_text(str(i), name, MAX_NAME) for i in items if str(i).strip()]
        if len(items) > MAX_ITEMS:
            raise BadInput(f"{name} may list at most {MAX_ITEMS} names")
        return items
    return check_text(str(value), name, MAX_NAME)


def update_rule(
    db: Database,
    team: dict,
    key: str,
    *,
    params: dict | None = None,
    role: str | None = None,
    active: bool | None = None,
) -> dict:
    """Change a rule's parameters, its role or whether it is on."""
    rule = get_rule(db, team, key)
    new = dict(rule["params"])
    for name, value in (params or {}).items():
        new[name] = _coerce(rule["kind"], name, value)
    changes = {"params": json.dumps(new), "updated_at": utcnow()}
    if role is not None:
        if role not in ROLES:
            raise BadInput(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        changes["role"] = role
    if active is not None:
        changes["active"] = int(active)
    db["review_rules"].update(rule["id"], changes)
    return get_rule(db, team, key)


def _by_stage(db: Database, team: dict, kind: str, field: str) -> dict[int, int]:
    return {
        r["params"]["stage"]: r["params"][field] for r in team_rules(db, team, kind) if r["active"]
    }


def review_days(db: Database, team: dict) -> dict[int, int]:
    """Stage -> default days to the next review."""
    return _by_stage(db, team, "review_interval", "days")


def proposed_reviews(db: Database, team: dict, from_date: date) -> dict[int, date]:
    """Stage -> the review date to propose for a tile moving there on ``from_date``
    (stages whose rule is switched off propose nothing)."""
    return {stage: from_date + timedelta(days=d) for stage, d in review_days(db, team).items()}


def proposed_review(db: Database, team: dict, stage: int, from_date: date) -> date | None:
    """The next review date to propose when a tile moves to ``stage`` on ``from_date``.

    Only a proposal: the manager always sets the date they agree with the plan.
    """
    return proposed_reviews(db, team, from_date).get(stage)


def stuck_weeks(db: Database, team: dict) -> dict[int, int]:
    """Stage -> weeks in that stage after which the drift report calls a case stuck."""
    return _by_stage(db, team, "stuck_limit", "weeks")


def limit(db: Database, team: dict, kind: str) -> dict:
    """The params of a single-valued limit (``audit_interval``, ``dip_sample``, ...)."""
    rules = team_rules(db, team, kind)
    if not rules:
        raise NotFound(f"the team has no {kind} rule")
    return rules[0]["params"]


def holiday_region(team: dict) -> str:
    """The team's bank-holiday region for working-day deadlines (default England)."""
    return check_region(team_settings(team).get("holiday_region") or DEFAULT_REGION)


def set_holiday_region(db: Database, team: dict, region: str) -> dict:
    return update_team_settings(db, team, holiday_region=check_region(region))
