"""A case as it stood on a day (docs/contract.md §12): the as-of readers.

Every change to a case is an event with the date it takes effect (``events.on_date``).
What caseboard answers about a day D is replayed from the events effective on or before
D, never read from the ``families`` row (which holds the latest state), so a change
dated after D can never alter it.

:func:`team_timelines` loads every family a team holds or has held with its events and
flags (kept on the connection while the store is unchanged); :meth:`Timeline.spans` gives
the periods of constant state up to a day, :meth:`Timeline.state_on` and
:meth:`Timeline.states_on` the state on a day, :meth:`Timeline.flags_on` the flag rows as
known on a day. :func:`held_on` and :func:`cases_on` answer "did this team hold it open
that day", and :func:`as_row` gives a state in the shape of a ``families`` row for views
that take one. A state is a dict with ``team_id``, ``episode`` (0 for the first),
``opened`` (the episode's start), ``closed`` (bool), ``closed_on``, ``closed_as``,
``stage``, ``stage_since``, ``next_review``, ``initials``, ``worker``, ``case_type``,
``type_since``, ``proceedings_start``, ``s47``, ``assessment_done`` and ``held_since``
(the day the team holding it took it on). Trigger firings over these spans are in
:mod:`webapp.rules.firings`.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlite_utils import Database

from webapp.store import events

T = TypeVar("T")
#: At most this many answers are kept for one state of the store.
MAX_REMEMBERED = 32

#: Fields of a state that ``family set`` (a ``changed`` event) or an import can change.
FIELDS = ("case_type", "worker", "initials", "proceedings_start", "s47", "assessment_done")
#: The kinds of event that change a case's state (the others are scans, prints, outcomes).
KINDS = (
    events.CREATED,
    events.REVIEW_SET,
    events.STAGE_MOVED,
    events.CLOSED,
    events.REOPENED,
    events.TRANSFERRED,
    events.CHANGED,
    "imported",
)


@dataclass(frozen=True)
class Span:
    """A period of constant state: ``start`` to ``end`` (exclusive; None while it lasts)."""

    start: date
    end: date | None
    state: dict


@dataclass
class Timeline:
    """One family's dated changes, oldest first, and its flag rows."""

    row: dict
    changes: list[tuple[str, str, dict]]
    flags: list[dict] = field(default_factory=list)
    team_ids: dict[str, int] = field(default_factory=dict)
    #: The team asking, where the answer depends on who held the case (set by readers).
    viewer: int | None = None

    def __post_init__(self):
        self.initial = _initial(self.row, self.changes, self.team_ids)
        # The registration is applied as the initial state, whatever day it was entered.
        self.changes = [c for c in self.changes if c[1] != events.CREATED]
        self._spans: tuple[list[Span], list[date]] | None = None

    @property
    def family_id(self) -> int:
        return self.row["id"]

    @property
    def starts(self) -> date:
        """The day the record starts: the first episode's opening."""
        return date.fromisoformat(self.initial["opened"])

    def state_on(self, day: date) -> dict | None:
        """The state on ``day`` (None before the case opened)."""
        return self.states_on([day])[0]

    def states_on(self, days: list[date]) -> list[dict | None]:
        """The state on each of ``days``."""
        every, starts = self._replayed()
        found = []
        for day in days:
            at = bisect_right(starts, day) - 1
            found.append(every[at].state if at >= 0 else None)
        return found

    def spans(self, on: date) -> list[Span]:
        """The periods of constant state from the opening up to ``on``, as the events
        effective on or before ``on`` make them (the last one has no end yet)."""
        every, starts = self._replayed()
        upto = bisect_right(starts, on)
        if not upto:
            return []
        last = every[upto - 1]
        return [*every[: upto - 1], Span(last.start, None, last.state)]

    def _replayed(self) -> tuple[list[Span], list[date]]:
        """Every span of the whole history, replayed once (a change dated after a day
        only starts spans after it, so the spans up to any day are a prefix)."""
        if self._spans is None:
            found, state, start = [], dict(self.initial), self.starts
            for on_date, kind, detail in self.changes:
                day = date.fromisoformat(on_date)
                if day > start:
                    found.append(Span(start, day, state))
                    start = day
                state = _apply(state, on_date, kind, detail, self.team_ids)
            found.append(Span(start, None, state))
            self._spans = (found, [span.start for span in found])
        return self._spans

    def flags_on(self, on: date) -> list[dict]:
        """The flag rows as known on ``on``: added on or before it, a removal after it
        not yet made."""
        iso = on.isoformat()
        return [
            {**f, "removed_on": f["removed_on"] if (f["removed_on"] or "9") <= iso else None}
            for f in self.flags
            if f["added_on"] <= iso
        ]

    def flag_names_on(self, on: date) -> list[str]:
        """The flags present on ``on`` in its episode, by name."""
        state = self.state_on(on)
        if state is None:
            return []
        iso = on.isoformat()
        return sorted(
            f["name"]
            for f in self.flags
            if state["opened"] <= f["added_on"] <= iso
            and (f["removed_on"] is None or f["removed_on"] > iso)
        )


def _initial(row: dict, changes: list, team_ids: dict[str, int]) -> dict:
    """The state the case was registered in. A ``created`` event holds it (newer stores
    hold every field); for an older store, each field's first recorded ``from`` value, else
    the row as it stands."""
    state = {
        "team_id": row["team_id"],
        "episode": 0,
        "opened": row["opened"],
        "closed": False,
        "closed_on": None,
        "closed_as": None,
        "stage": row["stage"],
        "next_review": row["next_review"],
        **{k: row.get(k) for k in FIELDS},
        "type_since": None,
    }
    known: set[str] = set()

    def first(key, value):
        if key not in known:
            known.add(key)
            state[key] = value

    for _on, kind, detail in changes:
        if kind == events.CREATED:
            for key in ("stage", "next_review", "initials", "opened", "team_id", *FIELDS):
                if key in detail:
                    first(key, detail[key])
        elif kind == events.REVIEW_SET:
            first("next_review", detail.get("from"))
        elif kind == events.STAGE_MOVED:
            first("stage", detail.get("from"))
        elif kind == events.CHANGED and detail.get("field") in FIELDS:
            first(detail["field"], detail.get("from"))
        elif kind == "imported":
            for key, change in detail.items():
                if key in (*FIELDS, "stage", "next_review"):
                    first(key, (change or {}).get("from"))
        elif kind == events.REOPENED:
            first("opened", detail.get("opened_before"))
            for key in ("proceedings_start", "s47", "assessment_done"):
                first(key, (detail.get("episode") or {}).get(key))
        elif kind == events.TRANSFERRED:
            first("team_id", detail.get("from_team_id") or team_ids.get(detail.get("from_team")))
    registered = next((on for on, kind, _d in changes if kind == events.CREATED), None)
    state["opened"] = state["opened"] or registered or row["created_at"][:10]
    # Time in stage counts from when caseboard saw it on that stage: its registration,
    # for a case registered after it opened.
    state.update(stage_since=max(state["opened"], registered or ""), held_since=state["opened"])
    if state["case_type"]:
        state["type_since"] = state["opened"]
    return state


def _apply(state: dict, on: str, kind: str, detail: dict, team_ids: dict[str, int]) -> dict:
    """The state after one event effective on ``on``."""
    s = dict(state)
    if kind == events.REVIEW_SET:
        s["next_review"] = detail.get("to", s["next_review"])
    elif kind == events.STAGE_MOVED:
        new = detail.get("to", s["stage"])
        if new != s["stage"]:
            s.update(stage=new, stage_since=on)
    elif kind == events.CLOSED:
        s.update(closed=True, closed_on=on, closed_as=detail.get("as"))
    elif kind == events.REOPENED:
        # A new episode: nothing of the old one counts in it (§12).
        s.update(
            episode=s["episode"] + 1,
            opened=on,
            closed=False,
            closed_on=None,
            closed_as=None,
            stage=detail.get("stage", s["stage"]),
            next_review=detail.get("next_review", s["next_review"]),
            stage_since=on,
            held_since=on,
            type_since=on if s["case_type"] else None,
            proceedings_start=None,
            s47=None,
            assessment_done=None,
        )
    elif kind == events.TRANSFERRED:
        to = detail.get("to_team_id") or team_ids.get(detail.get("to_team"), s["team_id"])
        stage = (detail.get("stage") or {}).get("to", s["stage"])
        # The receiving team's history of the case starts on the transfer day.
        s.update(team_id=to, stage=stage, stage_since=on, held_since=on)
    elif kind == events.CHANGED and detail.get("field") in FIELDS:
        _set(s, detail["field"], detail.get("to"), on)
    elif kind == "imported":
        for key, change in detail.items():
            if key in FIELDS or key in ("stage", "next_review"):
                _set(s, key, (change or {}).get("to"), on)
    return s


def _set(state: dict, key: str, value, on: str) -> None:
    if key == "case_type" and value != state["case_type"]:
        state["type_since"] = on if value else None
    if key == "stage" and value != state["stage"]:
        state["stage_since"] = on
    state[key] = value


# -- loading --------------------------------------------------------------------------


def remembered(db: Database, key: tuple, make: Callable[[], T]) -> T:
    """``make()``, kept on the connection until the store changes: the drift report and
    the agenda ask for the same history several times while they are drawn. The store
    has changed when this connection wrote (``total_changes``) or another committed
    (``PRAGMA data_version``); callers must not change what they are given."""
    version = (db.execute("PRAGMA data_version").fetchone()[0], db.conn.total_changes)
    cache = db.__dict__.setdefault("_caseboard_as_of", {})
    if cache.get("version") != version or len(cache) > MAX_REMEMBERED:
        cache.clear()
        cache["version"] = version
    if key not in cache:
        cache[key] = make()
    return cache[key]


def is_remembered(db: Database, key: tuple) -> bool:
    """Whether :func:`remembered` holds ``key`` for the store as it is."""
    version = (db.execute("PRAGMA data_version").fetchone()[0], db.conn.total_changes)
    cache = db.__dict__.get("_caseboard_as_of") or {}
    return cache.get("version") == version and key in cache


def team_timelines(db: Database, team: dict, family_id: int | None = None) -> dict[int, Timeline]:
    """Family id -> its timeline, for every family ``team`` holds or has held (the events
    of a case stay with the team that recorded them)."""
    return remembered(db, ("timelines", team["id"], family_id), lambda: _load(db, team, family_id))


def _load(db: Database, team: dict, family_id: int | None) -> dict[int, Timeline]:
    where = """(team_id = :team or id in (select family_id from events
               where team_id = :team and kind in (:created, :transferred)))"""
    params = {"team": team["id"], "created": events.CREATED, "transferred": events.TRANSFERRED}
    if family_id is not None:
        where += " and id = :family"
        params["family"] = family_id
    rows = {
        r["id"]: r for r in db.query(f"select * from families where {where} order by id", params)
    }
    if not rows:
        return {}
    ids = f"(select id from families where {where})"
    changes: dict[int, list] = {fid: [] for fid in rows}
    created: dict[int, list] = {fid: [] for fid in rows}
    kinds = ", ".join(f":k{n}" for n in range(len(KINDS)))
    # Most events are review dates and stage moves: SQLite reads their two values, and
    # only the others' details are decoded here.
    cursor = db.execute(
        f"""select family_id, on_date, kind,
                   case when kind in (:review, :stage) then null else detail end,
                   json_extract(detail, '$.from'), json_extract(detail, '$.to') from events
            where family_id in {ids} and kind in ({kinds}) order by on_date, id""",
        {
            **params,
            **{f"k{n}": kind for n, kind in enumerate(KINDS)},
            "review": events.REVIEW_SET,
            "stage": events.STAGE_MOVED,
        },
    )
    for family, on_date, kind, detail, old, new in cursor:
        if detail is None and kind in (events.REVIEW_SET, events.STAGE_MOVED):
            item = (on_date, kind, {"from": old, "to": new})
        else:
            item = (on_date, kind, json.loads(detail) if detail and detail != "{}" else {})
        (created if kind == events.CREATED else changes)[family].append(item)
    flags: dict[int, list] = {fid: [] for fid in rows}
    for r in db.query(f"select * from flags where family_id in {ids} order by id", params):
        flags[r["family_id"]].append(r)
    team_ids = {r["name"]: r["id"] for r in db.query("select id, name from teams")}
    # The registration is the first event whatever its date: it holds the starting state.
    return {
        fid: Timeline(row, created[fid][:1] + changes[fid], flags[fid], team_ids)
        for fid, row in rows.items()
    }


def held_on(timeline: Timeline, team: dict, day: date) -> dict | None:
    """The state on ``day`` when ``team`` held the case open that day, else None."""
    state = timeline.state_on(day)
    if state is None or state["closed"] or state["team_id"] != team["id"]:
        return None
    return state


def cases_on(db: Database, team: dict, day: date) -> list[tuple[Timeline, dict]]:
    """(timeline, state) for every case ``team`` held open on ``day``, by family id."""
    found = []
    for _fid, timeline in sorted(team_timelines(db, team).items()):
        state = held_on(timeline, team, day)
        if state is not None:
            found.append((timeline, state))
    return found


def as_row(timeline: Timeline, state: dict) -> dict:
    """The family's stored row as it stood in ``state`` (for views that take a row)."""
    row = timeline.row
    return {
        **row,
        **{k: state[k] for k in ("stage", "next_review", "team_id", *FIELDS)},
        "opened": state["opened"],
        "closed": state["closed_on"] if state["closed"] else None,
        "closed_as": state.get("closed_as") if state["closed"] else None,
        "type_since": state["type_since"],
    }
