"""A case as it stood on a day (docs/contract.md §12): the as-of readers.

Every change to a case is an event with the date it takes effect (``events.on_date``).
What caseboard answers about a day D is replayed from the events effective on or before
D, never read from the ``families`` row (which holds the latest state), so a change
dated after D can never alter it.

:func:`team_timelines` loads, in two queries, every family a team has ever held with its
events and flags; :meth:`Timeline.spans` gives the periods of constant state up to a day
and :meth:`Timeline.states_on` the state on each of a sorted list of days. A state is a
dict with ``team_id``, ``episode`` (0 for the first), ``opened`` (the episode's start),
``closed`` (bool), ``closed_on``, ``stage``, ``stage_since``, ``next_review``, ``initials``,
``worker``, ``case_type``, ``type_since``, ``proceedings_start``, ``s47``,
``assessment_done`` and ``held_since`` (the day the team holding it took it on).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from webapp.store import events

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
        self._days = [on for on, _kind, _detail in self.changes]

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
        """The state on each of ``days`` (sorted, oldest first)."""
        out, state, i = [], dict(self.initial), 0
        for day in days:
            iso = day.isoformat()
            while i < len(self.changes) and self.changes[i][0] <= iso:
                state = _apply(state, *self.changes[i], self.team_ids)
                i += 1
            out.append(state if iso >= self.initial["opened"] else None)
        return out

    def spans(self, on: date) -> list[Span]:
        """The periods of constant state from the opening up to ``on``, from the events
        effective on or before ``on`` only (the last one has no end)."""
        if on < self.starts:
            return []
        upto = bisect_right(self._days, on.isoformat())
        found, state, start = [], dict(self.initial), self.starts
        for on_date, kind, detail in self.changes[:upto]:
            day = date.fromisoformat(on_date)
            if day > start:
                found.append(Span(start, day, state))
                start = day
            state = _apply(state, on_date, kind, detail, self.team_ids)
        found.append(Span(start, None, state))
        return found

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


def team_timelines(db: Database, team: dict, family_id: int | None = None) -> dict[int, Timeline]:
    """Family id -> its timeline, for every family ``team`` holds or has held (the events
    of a case stay with the team that recorded them)."""
    where = """(team_id = :team or id in (select family_id from events
               where team_id = :team and kind in (:created, :transferred)))"""
    params = {"team": team["id"], "created": events.CREATED, "transferred": events.TRANSFERRED}
    if family_id is not None:
        where += " and id = :family"
        params["family"] = family_id
    rows = {
        r["id"]: r for r in db.query(f"select * from families where {where} order by id", params)
    }
    return _timelines(db, rows)


def _timelines(db: Database, rows: dict[int, dict]) -> dict[int, Timeline]:
    if not rows:
        return {}
    ids = list(rows)
    marks = ",".join("?" * len(ids))
    changes: dict[int, list] = {fid: [] for fid in ids}
    created: dict[int, list] = {fid: [] for fid in ids}
    kinds = ",".join("?" * len(KINDS))
    for r in db.query(
        f"""select family_id, on_date, kind, detail from events
            where family_id in ({marks}) and kind in ({kinds}) order by on_date, id""",
        [*ids, *KINDS],
    ):
        item = (r["on_date"], r["kind"], json.loads(r["detail"] or "{}"))
        (created if r["kind"] == events.CREATED else changes)[r["family_id"]].append(item)
    flags: dict[int, list] = {fid: [] for fid in ids}
    for r in db.query(f"select * from flags where family_id in ({marks}) order by id", ids):
        flags[r["family_id"]].append(r)
    team_ids = {r["name"]: r["id"] for r in db.query("select id, name from teams")}
    # The registration is the first event whatever its date: it holds the starting state.
    return {
        fid: Timeline(rows[fid], created[fid][:1] + changes[fid], flags[fid], team_ids)
        for fid in ids
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
