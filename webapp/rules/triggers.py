"""Review triggers: when a case must come back for discussion. Pure functions, no I/O.

A trigger fires on dates: the first after ``first`` days from its anchor (the date the
case opened, or the date a flag was added), then every ``every`` days while the case
stays open. Every firing is its own alert (docs/contract.md §7): it stays open until a
follow-up answers that firing, and a later firing never hides it. A firing still open
on the day the next one of its series comes is *missed*.

Only firings on or after the start of the case's current episode (``families.opened``)
count, so a reopened case starts its rules afresh.

The default rules and where each comes from are in :mod:`webapp.rules.defaults`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from webapp.rules.workdays import (
    DEFAULT_REGION,
    add_months,
    add_working_days,
    subtract_working_days,
)

DURATION, FLAG, SHIELD, ASSESSMENT = "duration", "flag", "shield", "assessment"
STATUTORY = "statutory"
TRIGGER_KINDS = (DURATION, FLAG, SHIELD, ASSESSMENT, STATUTORY)
#: The core-assessment alert opens this many working days before its deadline.
WARN_DAYS = 5
#: Stop generating a series after this many firings (a guard against a 0-week interval).
MAX_FIRINGS = 1000


@dataclass(frozen=True)
class Firing:
    """One firing of a trigger for one family: ``key`` names the alert series, ``due``
    the day it fired and ``next_due`` the day the series fires again (None for a one-off
    or when the series has stopped)."""

    rule: str
    kind: str
    key: str
    due: date
    role: str
    message: str
    next_due: date | None = None
    #: For a deadline warned of ahead (the core assessment): the deadline itself.
    deadline: date | None = None


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


def series(anchor: date, first: int, every: int | None, on: date) -> list[tuple[date, date | None]]:
    """Every firing on or before ``on``, each with the date of the one after it."""
    found = []
    due = anchor + timedelta(days=first)
    while due <= on and len(found) < MAX_FIRINGS:
        following = due + timedelta(days=every) if every else None
        found.append((due, following))
        if following is None:
            break
        due = following
    return found


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


def duration_firings(rule: dict, family: dict, on: date) -> list[Firing]:
    p = rule["params"]
    if (family.get("case_type") or "").lower() != p["case_type"].lower():
        return []
    start = clock_start(family)
    found = []
    for due, following in series(start, _weeks(p["first_weeks"]), _weeks(p["every_weeks"]), on):
        weeks = (due - start).days // 7
        message = f"{family['case_type']} case open {weeks} weeks: {rule['role']} review"
        found.append(
            Firing(rule["key"], DURATION, rule["key"], due, rule["role"], message, following)
        )
    return found


def flag_firings(rule: dict, flags: dict[str, date], on: date) -> list[Firing]:
    p, found = rule["params"], []
    for name in p["flags"]:
        added = flags.get(name.lower())
        if added is None:
            continue
        key = f"{rule['key']}:{slug(name)}"
        for due, following in series(added, 0, _weeks(p["every_weeks"]), on):
            weeks = (due - added).days // 7
            when = "flag added" if weeks == 0 else f"flagged {weeks} weeks ago"
            message = f"{name} ({when}): {rule['role']} review"
            found.append(Firing(rule["key"], FLAG, key, due, rule["role"], message, following))
    return found


def shield_firings(rule: dict, flags: dict[str, date]) -> list[Firing]:
    added = flags.get(rule["params"]["flag"].lower())
    if added is None:
        return []
    message = f"case shielded: {rule['role']} review"
    return [Firing(rule["key"], SHIELD, rule["key"], added, rule["role"], message)]


def assessment_firings(rule: dict, family: dict, on: date, region: str) -> list[Firing]:
    """The core assessment is due 42 working days after the referral that led to s.47
    enquiries (Kent audit §4.1). The alert opens ``warn_working_days`` (default 5)
    working days before that deadline and stays open until the assessment is done (on
    or before ``on``); no s.47 date, no alert."""
    p = rule["params"]
    s47, done = as_date(family.get("s47")), as_date(family.get("assessment_done"))
    if s47 is None:
        return []
    deadline = add_working_days(s47, p["working_days"], region)
    opens = subtract_working_days(deadline, int(p.get("warn_working_days", WARN_DAYS)), region)
    opens = max(opens, s47)
    if opens > on or (done is not None and done <= on):
        return []
    message = f"core assessment due {deadline}: {p['working_days']} working days since s.47"
    return [
        Firing(rule["key"], ASSESSMENT, rule["key"], opens, rule["role"], message,
               deadline=deadline)
    ]  # fmt: skip


def statutory_dates(anchor: date, params: dict, on: date, region: str) -> list[date]:
    """A statutory schedule from ``anchor``: the first date (``first_working_days`` or
    ``first_months`` after it), the next ``then_months`` later, then every
    ``every_months``. Every date on or before ``on``, and the one after them (if any)."""
    if params.get("first_working_days"):
        day = add_working_days(anchor, int(params["first_working_days"]), region)
    else:
        day = add_months(anchor, int(params.get("first_months") or 0))
    then, every = int(params.get("then_months") or 0), int(params.get("every_months") or 0)
    dates = [day]
    while day <= on and len(dates) < MAX_FIRINGS:
        step = then if len(dates) == 1 and then else every
        if not step:
            break
        day = add_months(day, step)
        dates.append(day)
    return dates


def statutory_firings(rule: dict, family: dict, on: date, region: str) -> list[Firing]:
    """Working Together 2023 timescales for the case type a team chose. A rule counting
    from the day the case became that type needs a type; one counting from the s.47 date
    applies to every case with one when no type is chosen."""
    p = rule["params"]
    wanted = (p.get("case_type") or "").strip().lower()
    if wanted and (family.get("case_type") or "").lower() != wanted:
        return []
    if p.get("anchor") == "s47":
        anchor = as_date(family.get("s47"))
    elif wanted:
        anchor = as_date(family.get("type_since")) or as_date(family.get("opened"))
    else:
        anchor = None
    if anchor is None:
        return []
    dates = statutory_dates(anchor, p, on, region)
    label = p.get("label") or rule["key"]
    found = []
    for due, following in zip(dates, [*dates[1:], None], strict=True):
        if due > on:
            break
        message = f"{label} due ({rule['role']})"
        found.append(
            Firing(rule["key"], STATUTORY, rule["key"], due, rule["role"], message, following)
        )
    return found


def family_firings(
    rules: Iterable[dict],
    family: dict,
    flags: Iterable[dict],
    on: date,
    region: str = DEFAULT_REGION,
) -> list[Firing]:
    """Every firing on or before ``on`` of every active trigger rule for one family, in
    the case's current episode (on or after ``opened``).

    ``family`` needs ``opened``, ``closed``, ``case_type`` and ``stage`` (as of ``on``),
    and may carry ``s47``, ``assessment_done`` and ``type_since``; ``flags`` are rows with
    ``name``, ``added_on`` and ``removed_on``.
    """
    if not case_is_open(family, on):
        return []
    opened = as_date(family["opened"])
    active = _active_flags(episode_flags(flags, opened), on)
    found: list[Firing] = []
    for rule in rules:
        if not rule.get("active", 1):
            continue
        kind = rule["kind"]
        if kind == DURATION:
            found.extend(duration_firings(rule, family, on))
        elif kind == FLAG:
            found.extend(flag_firings(rule, active, on))
        elif kind == SHIELD:
            found.extend(shield_firings(rule, active))
        elif kind == ASSESSMENT:
            found.extend(assessment_firings(rule, family, on, region))
        elif kind == STATUTORY:
            found.extend(statutory_firings(rule, family, on, region))
    return [f for f in found if f.due >= opened]
