"""Review triggers: when a case must come back for discussion. Pure functions, no I/O.

A trigger fires on dates: the first after ``first`` days from its anchor (the date the
case opened, or the date a flag was added), then every ``every`` days while the case
stays open. An alert is *open* on a day D when the latest firing on or before D has not
been followed up: a follow-up dated on or after that firing (and not after D) closes
it, and the next firing opens a new one.

The default rules and where each comes from are in :mod:`webapp.rules.defaults`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from webapp.rules.workdays import DEFAULT_REGION, add_working_days

DURATION, FLAG, SHIELD, ASSESSMENT = "duration", "flag", "shield", "assessment"
TRIGGER_KINDS = (DURATION, FLAG, SHIELD, ASSESSMENT)


@dataclass(frozen=True)
class Firing:
    """One trigger that has fired for one family: ``key`` names the alert series."""

    rule: str
    kind: str
    key: str
    due: date
    role: str
    message: str


def as_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def latest_firing(anchor: date, first: int, every: int | None, on: date) -> date | None:
    """The last firing on or before ``on`` (None before the first)."""
    start = anchor + timedelta(days=first)
    if on < start:
        return None
    if not every:
        return start
    return start + timedelta(days=(on - start).days // every * every)


def next_firing(anchor: date, first: int, every: int | None, after: date) -> date | None:
    """The first firing strictly after ``after`` (None when a one-off has already fired)."""
    start = anchor + timedelta(days=first)
    if after < start:
        return start
    if not every:
        return None
    return start + timedelta(days=((after - start).days // every + 1) * every)


def is_open(due: date, follow_ups: Iterable[date], on: date) -> bool:
    """True unless a follow-up falls between the firing ``due`` and ``on`` inclusive."""
    return not any(due <= f <= on for f in follow_ups)


def slug(text: str) -> str:
    return "-".join(text.lower().replace(".", "").split())


def episode_flags(flags: Iterable[dict], opened: date | None) -> list[dict]:
    """The flags of the current episode: a flag that ended on or before the case
    (re)opened belongs to an earlier episode and never fires again."""
    return [
        f
        for f in flags
        if opened is None or f.get("removed_on") is None or as_date(f["removed_on"]) > opened
    ]


def _active_flags(flags: Iterable[dict], on: date) -> dict[str, date]:
    """Flag name (lower case) -> the date it was added, for flags present on ``on``."""
    found = {}
    for flag in flags:
        added, removed = as_date(flag["added_on"]), as_date(flag.get("removed_on"))
        if added <= on and (removed is None or removed > on):
            found[flag["name"].lower()] = added
    return found


def case_is_open(family: dict, on: date) -> bool:
    opened, closed = as_date(family.get("opened")), as_date(family.get("closed"))
    return opened is not None and opened <= on and (closed is None or closed > on)


def _weeks(weeks: int | None) -> int:
    """Weeks as days; a missing or zero interval means a one-off trigger."""
    return int(weeks or 0) * 7


def clock_start(family: dict) -> date:
    """Where a case type's clock starts: the proceedings start where one is set (the
    16.4, s.31 and s.25 clocks count from it), else the day the current type was set,
    else the opening of the current episode (docs/contract.md §6)."""
    opened = as_date(family["opened"])
    for key in ("proceedings_start", "type_since"):
        day = as_date(family.get(key))
        if day is not None:
            return max(day, opened)
    return opened


def duration_firing(rule: dict, family: dict, on: date) -> Firing | None:
    p = rule["params"]
    if (family.get("case_type") or "").lower() != p["case_type"].lower():
        return None
    start = clock_start(family)
    due = latest_firing(start, _weeks(p["first_weeks"]), _weeks(p["every_weeks"]), on)
    if due is None:
        return None
    weeks = (due - start).days // 7
    message = f"{family['case_type']} case open {weeks} weeks: {rule['role']} review"
    return Firing(rule["key"], DURATION, rule["key"], due, rule["role"], message)


def flag_firings(rule: dict, flags: dict[str, date], on: date) -> list[Firing]:
    p, found = rule["params"], []
    for name in p["flags"]:
        added = flags.get(name.lower())
        if added is None:
            continue
        due = latest_firing(added, 0, _weeks(p["every_weeks"]), on)
        weeks = (due - added).days // 7
        when = "flag added" if weeks == 0 else f"flagged {weeks} weeks ago"
        message = f"{name} ({when}): {rule['role']} review"
        key = f"{rule['key']}:{slug(name)}"
        found.append(Firing(rule["key"], FLAG, key, due, rule["role"], message))
    return found


def shield_firing(rule: dict, flags: dict[str, date]) -> Firing | None:
    added = flags.get(rule["params"]["flag"].lower())
    if added is None:
        return None
    message = f"case shielded: {rule['role']} review"
    return Firing(rule["key"], SHIELD, rule["key"], added, rule["role"], message)


def assessment_firing(rule: dict, family: dict, on: date, region: str) -> Firing | None:
    p = rule["params"]
    if family.get("stage") != p["stage"]:
        return None
    due = add_working_days(as_date(family["opened"]), p["working_days"], region)
    if due > on:
        return None
    message = f"still at stage {p['stage']} after {p['working_days']} working days"
    return Firing(rule["key"], ASSESSMENT, rule["key"], due, rule["role"], message)


def family_firings(
    rules: Iterable[dict],
    family: dict,
    flags: Iterable[dict],
    on: date,
    region: str = DEFAULT_REGION,
) -> list[Firing]:
    """The latest firing on or before ``on`` of every active trigger rule for one family.

    ``family`` needs ``opened``, ``closed``, ``case_type`` and ``stage`` (as of ``on``);
    ``flags`` are rows with ``name``, ``added_on`` and ``removed_on``.
    """
    if not case_is_open(family, on):
        return []
    active = _active_flags(episode_flags(flags, as_date(family.get("opened"))), on)
    found: list[Firing | None] = []
    for rule in rules:
        if not rule.get("active", 1):
            continue
        kind = rule["kind"]
        if kind == DURATION:
            found.append(duration_firing(rule, family, on))
        elif kind == FLAG:
            found.extend(flag_firings(rule, active, on))
        elif kind == SHIELD:
            found.append(shield_firing(rule, active))
        elif kind == ASSESSMENT:
            found.append(assessment_firing(rule, family, on, region))
    return [f for f in found if f is not None]
