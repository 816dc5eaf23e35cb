"""What an import would change: the export's family groups against the store.

Each team's families are read once (:mod:`.stored`) and looked up by reference key, so
the comparison costs time in proportion to the rows. A group whose reference is an
open family of its team updates that family; a group without a reference updates the
one open family without a reference that has the same board codes (so importing the
same file again never duplicates it), and is refused where that is ambiguous; any other
group is a new family. With ``reconcile``, the team's open families whose reference the
export no longer holds are listed too; they are never closed here, a manager decides.
Fields the export has no column for keep their stored values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from webapp.accounts.teams import team_settings, team_today
from webapp.cases.families import clean_family
from webapp.cases.imports import words
from webapp.cases.imports.problems import Problem
from webapp.cases.imports.records import Group
from webapp.cases.imports.refs import Names, ref_key
from webapp.cases.imports.stored import Stored, Teams
from webapp.errors import BadInput, NotFound

#: Stored family fields an import compares, in the order changes are listed.
COMPARED = (
    "initials",
    "stage",
    "next_review",
    "opened",
    "worker",
    "case_type",
    "flags",
    "proceedings_start",
    "s47",
)


_COURT = {"proceedings_start": "proceedings start", "s47": "s.47 referral"}
#: clean_family's messages begin with the field: the problem names its column.
_FIELD_WORDS = {"opened": "opened ", "review": "review ", "ref": "ref ", "worker": "worker "}


@dataclass
class NewFamily:
    rows: list[int]
    team: dict
    row: dict  # as clean_family returns it: codes and values, never a name
    token: str | None = None  # once written
    closed: dict | None = None  # a closed family with this reference: token and date
    rereferral_of: dict | None = None  # closed within the team's re-referral window

    def as_json(self) -> dict:
        keys = ("ref", "initials", "stage", "next_review", "opened", "worker", "case_type")
        return {
            "rows": self.rows,
            "team": self.team["name"],
            **{k: self.row[k] for k in keys},
            "codes": self.row["initials"].split(),
            "flags": self.row["flags"],
            "token": self.token,
            "closed_before": self.closed,
        }


@dataclass
class Change:
    rows: list[int]
    team: dict
    family: dict  # the stored row
    changes: dict[str, tuple]  # field -> (stored, from the export)

    def as_json(self) -> dict:
        return {
            "rows": self.rows,
            "team": self.team["name"],
            "token": self.family["token"],
            "ref": self.family["ref"],
            "initials": self.family["initials"],
            "changes": {k: {"from": a, "to": b} for k, (a, b) in self.changes.items()},
        }


@dataclass
class Plan:
    mapping: dict[str, str]  # field -> the export's header
    new: list[NewFamily] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    not_in_export: list[dict] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[dict] = field(default_factory=list)  # {"row", "reason"}
    sheet: str = ""
    header_row: int = 0
    passed_over: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    fingerprint: tuple = ()  # the teams' state the plan was made against
    found: dict[str, int] = field(default_factory=dict)  # field -> column index
    groups: list[Group] = field(default_factory=list, repr=False)  # codes, never names

    def as_json(self) -> dict:
        return {
            "new": [n.as_json() for n in self.new],
            "changed": [c.as_json() for c in self.changed],
            "not_in_export": self.not_in_export,
            "errors": [p.as_json() for p in self.errors],
            "skipped": self.skipped,
            "columns": self.mapping,
            "columns_passed_over": self.passed_over,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "notes": self.notes,
        }


def plan_import(
    db,
    groups: list[Group],
    problems: list[Problem],
    mapping: dict[str, str],
    *,
    default_team: str | None = None,
    only_team: dict | None = None,
    reconcile: bool = False,
    default_stage: int | None = None,
    names: Names | None = None,
) -> Plan:
    """Compare every group with the store; nothing is written."""
    plan = Plan(mapping, errors=list(problems))
    teams = Teams(db, default_team, only_team)
    stored: dict[int, Stored] = {}
    check = _Checker(mapping, names or Names(), default_stage, plan.errors)
    for group in groups:
        try:
            team = teams.get(group.team)
        except (BadInput, NotFound) as exc:
            plan.errors.append(check.problem(group, "team", str(exc)))
            continue
        if team["id"] not in stored:
            stored[team["id"]] = Stored(db, team)
        _compare(db, plan, check, stored[team["id"]], group)
    plan.errors.sort(key=lambda p: p.row)
    plan.notes = check.notes
    if reconcile:
        if only_team is None and "team" not in mapping:
            try:
                team = teams.get(None)
                stored.setdefault(team["id"], Stored(db, team))
            except (BadInput, NotFound):
                pass  # several teams and none named: only the teams in the export count
        plan.not_in_export = [row for s in stored.values() for row in s.not_seen()]
    plan.fingerprint = tuple(sorted((tid, s.fingerprint) for tid, s in stored.items()))
    return plan


def _compare(db, plan: Plan, check: _Checker, state: Stored, group: Group) -> None:
    team = state.team
    if group.bad:
        if group.ref:
            state.seen.add(ref_key(group.ref))
        return  # its problems are already reported
    if group.ref:
        existing = state.open_by_ref.get(ref_key(group.ref))
        state.seen.add(ref_key(group.ref))
    else:
        existing = state.refless_match(group, check)
        if existing is False:
            return
    row = check.clean(group, team, existing)
    if row is None:
        return
    if existing is None:
        closed = state.closed_with_ref(group.ref)
        rereferral = state.rereferral_of(group.ref, row["opened"])
        plan.new.append(NewFamily(group.rows, team, row, closed=closed, rereferral_of=rereferral))
        return
    changes = _changes(state, existing, row)
    if changes:
        plan.changed.append(Change(group.rows, team, existing, changes))
    else:
        plan.unchanged += 1


class _Checker:
    """Checks a group's values against its team, quoting refused values (never a name)."""

    def __init__(self, mapping, names: Names, default_stage: int | None, errors: list):
        self.mapping, self.names = mapping, names
        self.default_stage, self.errors = default_stage, errors
        self.by_team: dict[int, dict] = {}
        self.notes: list[str] = []

    def problem(self, group: Group, name: str, message: str) -> Problem:
        return Problem(group.rows[0], group.ref, self.mapping.get(name), name, message)

    def leave_out(self, group: Group, word: str) -> None:
        """A flag the team does not use: no rule of the team reads it, so the tile goes up
        without it, and the output says so (a synonym on the admin page maps it)."""
        self.notes.append(
            f"row {group.rows[0]}: the flag {self.names.quote(word)} is not one this team "
            "uses, so it is left off the tile; add it as a synonym on the admin page to "
            "map it to one"
        )

    def refuse(self, group: Group, name: str, message: str) -> None:
        self.errors.append(self.problem(group, name, message))

    def settings(self, team: dict) -> dict:
        if team["id"] not in self.by_team:
            self.by_team[team["id"]] = team_settings(team)
        return self.by_team[team["id"]]

    def words(self, group, team) -> tuple[str | None, list[str]] | None:
        settings = self.settings(team)
        own = settings.get("import_words") or {}
        case_type, bad = group.values.get("type"), False
        if case_type:
            found = words.case_type(case_type, settings["case_types"], own)
            if found is None:
                self.refuse(group, "type", f"{self.names.quote(case_type)} is not a case type "
                            f"this team uses ({', '.join(settings['case_types'])}); add it as "
                            "a synonym on the admin page")  # fmt: skip
                bad = True
            case_type = found or None
        flags = set()
        for cell in group.values.get("flags") or []:
            for word in words.split_flags(cell):
                found = words.flag_name(word, settings["flags"], own)
                if found is None:
                    self.leave_out(group, word)
                elif found:
                    flags.add(found)
        return None if bad else (case_type, sorted(flags))

    def clean(self, group: Group, team: dict, existing: dict | None) -> dict | None:
        """The row to store for ``group``, or None after adding its problems."""
        if group.bad:
            return None  # already reported
        checked = self.words(group, team)
        values, mapping = group.values, self.mapping
        stage = values.get("stage") or (existing or {}).get("stage") or self.default_stage
        if stage is None:
            self.refuse(group, "stage", "empty: a new family needs a stage 1-6 (or choose a "
                        "default stage for files without one)")  # fmt: skip
            return None
        if checked is None:
            return None
        case_type, flags = checked
        keep = existing or {}
        fields = {
            "initials": " ".join(group.codes),
            "stage": stage,
            "review": values["review"],
            "opened": values.get("opened") or keep.get("opened"),
            "ref": group.ref if existing is None else existing["ref"],
            "worker": values.get("worker") if "worker" in mapping else keep.get("worker"),
            "case_type": case_type if "type" in mapping else keep.get("case_type"),
            "flags": flags if "flags" in mapping else None,
            **{n: values.get(n) if n in mapping else keep.get(n) for n in _COURT},
        }  # fmt: skip
        try:
            row = clean_family(fields, team, team_today(team))
        except BadInput as exc:
            text = str(exc)
            name = next((n for n, w in _FIELD_WORDS.items() if text.startswith(w)), None)
            name = name or next((n for n, w in _COURT.items() if w in text), "initials")
            self.refuse(group, name, text)
            return None
        if existing and "flags" not in mapping:
            row["flags"] = None  # keep the stored flags
        return row


def _changes(state: Stored, existing: dict, row: dict) -> dict[str, tuple]:
    changes = {}
    for name in COMPARED:
        if name == "flags":
            if row["flags"] is None:
                continue
            old, new = state.flags.get(existing["id"], []), row["flags"]
        elif name == "initials":
            old, new = existing["initials"], row["initials"]
            if sorted(old.split()) == sorted(new.split()):
                continue
        else:
            old, new = existing[name], row.get(name)
        if old != new:
            changes[name] = (old, new)
    return changes
