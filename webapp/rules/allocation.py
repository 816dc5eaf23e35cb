"""Who held a case, and when: the allocated worker as of a day, and whether a case counts
in a month at all.

Both are read from the case's history (:mod:`webapp.cases.history`): the worker on a
day is ``Timeline.state_on(day)["worker"]``, and a case counts for a team in a month
from the periods that team held it open, as the changes effective by the day asked
about make them (docs/contract.md §12), so a later reallocation, closure or transfer
never rewrites an earlier month.

Worker names are compared by :func:`webapp.values.names.name_key`: case and spaces do not
matter ("Sam Okafor", "sam  okafor" and " SAM OKAFOR" are one practitioner).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

from webapp.cases import history
from webapp.values.workdays import is_working_day


def worker_timelines(db: Database, team: dict) -> dict[int, history.Timeline]:
    """Family id -> its history, for every family the team holds or has held."""
    return history.team_timelines(db, team)


def worker_on(timeline: history.Timeline | None, current: str | None, day: date) -> str | None:
    """The worker allocated on ``day`` (None before the case opened); ``current`` where
    the case has no history."""
    if timeline is None:
        return current
    state = timeline.state_on(day)
    return state["worker"] if state else None


def held_periods(
    timeline: history.Timeline, team: dict, first: date, end: date, last: date
) -> list[tuple[date, date, dict]]:
    """(from, to, state) for each period from ``first`` to ``last`` that ``team`` held
    the case open, as known on ``end``: to the day before it closed or moved on (a case
    closed on the 1st was not held that month), and to ``last`` while it is still held."""
    found = []
    for span in timeline.spans(end):
        state = span.state
        if state["closed"] or state["team_id"] != team["id"]:
            continue
        start = max(first, span.start)
        stop = last if span.end is None else min(last, span.end - timedelta(days=1))
        if start <= stop:
            found.append((start, stop, state))
    return found


def counts_in_month(periods: list[tuple[date, date, dict]], region: str) -> bool:
    """A case counts for supervision in a month when it was held open on at least one
    working day of it: one opened on Sunday 31 January did not need January's
    supervision, and one closed on 1 April is not counted in April."""
    for day, stop, _state in periods:
        while day <= stop:
            if is_working_day(day, region):
                return True
            day += timedelta(days=1)
    return False


def month_cases(
    timelines: dict, team: dict, first: date, end: date, last: date, region: str
) -> list[dict]:
    """The cases that count for ``team`` in the month ``first`` to ``last`` as known on
    ``end``, each as it stood on the last day the team held it (its worker then):
    ``id``, ``token``, ``initials``, ``stage``, ``worker``."""
    found = []
    for fid, timeline in timelines.items():
        periods = held_periods(timeline, team, first, end, last)
        if not counts_in_month(periods, region):
            continue
        state = periods[-1][2]
        found.append(
            {"id": fid, "token": timeline.row["token"],
             **{k: state[k] for k in ("initials", "stage", "worker")}}
        )  # fmt: skip
    return sorted(found, key=lambda r: (r["stage"], r["initials"], r["id"]))
