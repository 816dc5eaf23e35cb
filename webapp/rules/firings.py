"""Firings over a case's history (docs/contract.md §12). Pure functions, no I/O.

A trigger's series runs through a *period*: days on which the team held the case open
with the same clock (type, anchor, flag). A period ends when the case closes, moves to
another team, changes type or clock, or loses the flag; its firings stay as they were
made, and the last one of a series that ended is never marked missed by a firing that
never came. A period starting later than the clock's anchor (a type change with an
earlier proceedings start, a transfer) fires nothing before its own first day, except at
the opening of an episode, where firings of an earlier-starting court clock are listed
as before caseboard held the case (``before_registration``).

The spans come from :meth:`webapp.cases.history.Timeline.spans`, built only from the
events effective on or before the day asked about, so nothing dated later can change
what this returns for that day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date

from webapp.cases.history import Span
from webapp.rules import triggers
from webapp.rules.triggers import Firing, as_date
from webapp.values.workdays import DEFAULT_REGION

Period = tuple[date, date | None, dict]


def periods(spans: Iterable, key: Callable[[dict], object]) -> list[Period]:
    """Consecutive spans whose ``key(state)`` is the same and not None, merged:
    (first day, end or None, state at the start)."""
    found: list[list] = []
    for span in spans:
        k = key(span.state)
        if k is None:
            continue
        if found and found[-1][3] == k and found[-1][1] == span.start:
            found[-1][1] = span.end
        else:
            found.append([span.start, span.end, span.state, k])
    return [(a, b, state) for a, b, state, _k in found]


def window(
    dates: Iterable[tuple[date, date | None]], period: Period, on: date, backfill: bool
) -> Iterator[tuple[date, date | None, bool]]:
    """(due, next due, before registration) for the firings of a series that fall in
    ``period`` on or before ``on``."""
    start, end, _state = period
    for due, following in dates:
        if due > on or (end is not None and due >= end):
            return
        if due < start:
            if backfill:
                yield due, None, True
            continue
        if end is not None and (following is None or following >= end):
            following = None  # the series ended before it fired again
        yield due, following, False


def _held(team_id: int | None) -> Callable[[dict], tuple | None]:
    def key(state: dict) -> tuple | None:
        if state["closed"] or (team_id is not None and state["team_id"] != team_id):
            return None
        return (state["team_id"], state["episode"])

    return key


def _opens_episode(period: Period) -> bool:
    return period[0] == as_date(period[2]["opened"])


def clock_anchor(state: dict) -> date:
    """Where a case type's clock starts: the proceedings start where one is set (even
    before the case was registered), else the day the type was set, else the opening."""
    for key in ("proceedings_start", "type_since", "opened"):
        day = as_date(state.get(key))
        if day is not None:
            return day
    raise ValueError("a case state needs its opening date")


def _of_type(state: dict, wanted: str) -> bool:
    return bool(wanted) and (state.get("case_type") or "").lower() == wanted.lower()


def _made(rule, kind, key, message, found) -> list[Firing]:
    return [
        Firing(
            rule["key"],
            kind,
            key,
            due,
            rule["role"],
            message(due),
            following,
            before_registration=before,
        )  # fmt: skip
        for due, following, before in found
    ]


def duration(rule: dict, spans: list, on: date, held) -> list[Firing]:
    p = rule["params"]
    found = []

    def key(state):
        k = held(state)
        return (
            None if k is None or not _of_type(state, p["case_type"]) else (*k, clock_anchor(state))
        )

    for period in periods(spans, key):
        state, anchor = period[2], clock_anchor(period[2])
        dates = triggers.series(anchor, p["first_weeks"] * 7, (p["every_weeks"] or 0) * 7, on)

        def message(due, state=state, anchor=anchor):
            weeks = (due - anchor).days // 7
            return f"{state['case_type']} case open {weeks} weeks: {rule['role']} review"

        hits = window(dates, period, on, _opens_episode(period))
        found += _made(rule, triggers.DURATION, rule["key"], message, hits)
    return found


def _flag_periods(spans, flags, name, held) -> list[tuple[Period, date]]:
    """(period the flag was on while held, the day it was added) for flag ``name``."""
    found = []
    for flag in flags:
        if flag["name"].lower() != name.lower():
            continue
        added, removed = as_date(flag["added_on"]), as_date(flag.get("removed_on"))
        for start, end, state in periods(spans, held):
            a = max(start, added)
            b = removed if end is None else (end if removed is None else min(end, removed))
            if b is None or a < b:
                found.append(((a, b, state), added))
    return found


def flag(rule: dict, spans: list, flags: list[dict], on: date, held) -> list[Firing]:
    p, found = rule["params"], []
    for name in p["flags"]:
        key = f"{rule['key']}:{triggers.slug(name)}"
        for period, added in _flag_periods(spans, flags, name, held):
            dates = triggers.series(added, 0, (p["every_weeks"] or 0) * 7, on)

            def message(due, name=name, added=added):
                weeks = (due - added).days // 7
                when = "flag added" if weeks == 0 else f"flagged {weeks} weeks ago"
                return f"{name} ({when}): {rule['role']} review"

            found += _made(rule, triggers.FLAG, key, message, window(dates, period, on, False))
    return found


def shield(rule: dict, spans: list, flags: list[dict], on: date, held) -> list[Firing]:
    found = []
    for period, added in _flag_periods(spans, flags, rule["params"]["flag"], held):
        hits = window([(added, None)], period, on, False)
        found += _made(rule, triggers.SHIELD, rule["key"],
                       lambda _due: f"case shielded: {rule['role']} review", hits)  # fmt: skip
    return found


def statutory(rule: dict, spans: list, on: date, region: str, held) -> list[Firing]:
    """Working Together timescales, from the day the case became the team's chosen type
    or from the s.47 date."""
    p = rule["params"]
    wanted = (p.get("case_type") or "").strip()
    if p.get("anchor") != "s47" and not wanted:
        return []

    def anchor(state):
        if wanted and not _of_type(state, wanted):
            return None
        if p.get("anchor") == "s47":
            return as_date(state.get("s47"))
        return as_date(state.get("type_since")) or as_date(state["opened"])

    def key(state):
        k, a = held(state), anchor(state)
        return None if k is None or a is None else (*k, a)

    found = []
    label = p.get("label") or rule["key"]
    for period in periods(spans, key):
        dates = triggers.statutory_dates(anchor(period[2]), p, on, region)
        pairs = list(zip(dates, [*dates[1:], None], strict=True))
        hits = window(pairs, period, on, _opens_episode(period))
        found += _made(rule, triggers.STATUTORY, rule["key"],
                       lambda _due: f"{label} due ({rule['role']})", hits)  # fmt: skip
    return found


def span_firings(
    rules: Iterable[dict],
    spans: list,
    flags: list[dict],
    on: date,
    team_id: int | None = None,
    region: str = DEFAULT_REGION,
) -> list[Firing]:
    """Every firing on or before ``on`` of the active trigger rules over a case's
    ``spans`` while ``team_id`` held it open (any holder when None). ``flags`` are rows
    with ``name``, ``added_on`` and ``removed_on`` as known on ``on``."""
    held = _held(team_id)
    last = spans[-1].state if spans else None
    types = {(span.state.get("case_type") or "").lower() for span in spans}
    found: list[Firing] = []
    for rule in rules:
        if not rule.get("active", 1):
            continue
        kind = rule["kind"]
        wanted = (rule["params"].get("case_type") or "").strip().lower()
        if kind in (triggers.DURATION, triggers.STATUTORY) and wanted and wanted not in types:
            continue  # never this type while it held it: nothing to fire
        if kind == triggers.DURATION:
            found += duration(rule, spans, on, held)
        elif kind == triggers.FLAG:
            found += flag(rule, spans, flags, on, held)
        elif kind == triggers.SHIELD:
            found += shield(rule, spans, flags, on, held)
        elif kind == triggers.STATUTORY:
            found += statutory(rule, spans, on, region, held)
        elif kind == triggers.ASSESSMENT and last is not None and held(last) is not None:
            opened = as_date(last["opened"])
            found += [
                f for f in triggers.assessment_firings(rule, last, on, region) if f.due >= opened
            ]
    return found


def family_firings(
    rules: Iterable[dict],
    family: dict,
    flags: Iterable[dict],
    on: date,
    region: str = DEFAULT_REGION,
) -> list[Firing]:
    """Every firing on or before ``on`` of every active trigger rule for one family open
    as it stands, in its current episode (on or after ``opened``).

    ``family`` needs ``opened``, ``closed``, ``case_type`` and ``stage`` (as of ``on``),
    and may carry ``s47``, ``assessment_done``, ``proceedings_start`` and ``type_since``;
    ``flags`` are rows with ``name``, ``added_on`` and ``removed_on``. For a case with a
    history of changes, :func:`webapp.rules.firings.span_firings` counts each change from
    its own date.
    """
    if not triggers.case_is_open(family, on):
        return []
    opened = as_date(family["opened"])
    state = {"type_since": None, **family, "closed": False, "team_id": None, "episode": 0}
    flags = [f for f in triggers.episode_flags(flags, opened) if as_date(f["added_on"]) <= on]
    return span_firings(rules, [Span(opened, None, state)], flags, on, None, region)
