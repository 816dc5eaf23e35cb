"""What an import would change: the export's family groups against the store.

A group whose reference is already an open family of its team updates that family; any
other group is a new family. With ``reconcile``, the team's open families whose
reference the export no longer holds are listed too; they are never closed here, a
manager decides. Fields the export has no column for keep their stored values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from webapp.cases.families import clean_family, flags_of
from webapp.cases.imports.problems import Problem
from webapp.cases.imports.records import Group
from webapp.cases.teams import get_team, team_settings, team_today
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


@dataclass
class NewFamily:
    rows: list[int]
    team: dict
    row: dict  # as clean_family returns it: codes and values, never a name
    token: str | None = None  # once written
    closed: dict | None = None  # a closed family with this reference: token and date

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

    def as_json(self) -> dict:
        return {
            "new": [n.as_json() for n in self.new],
            "changed": [c.as_json() for c in self.changed],
            "not_in_export": self.not_in_export,
            "errors": [p.as_json() for p in self.errors],
        }


class _Teams:
    """Each row's team, looked up once; on the admin page only the admin's own team."""

    def __init__(self, db, default_team: str | None, only_team: dict | None):
        self.db, self.default, self.only = db, default_team, only_team
        self.found: dict[str | None, dict] = {}

    def get(self, name: str | None) -> dict:
        if self.only is not None:
            if name and name != self.only["name"]:
                raise BadInput(f"team {name!r} is not your team")
            return self.only
        name = name or self.default
        if name not in self.found:
            self.found[name] = get_team(self.db, name)
        return self.found[name]


def plan_import(
    db,
    groups: list[Group],
    problems: list[Problem],
    mapping: dict[str, str],
    *,
    default_team: str | None = None,
    only_team: dict | None = None,
    reconcile: bool = False,
) -> Plan:
    """Compare every group with the store; nothing is written."""
    plan = Plan(mapping, errors=list(problems))
    teams = _Teams(db, default_team, only_team)
    stored: dict[int, dict[str, dict]] = {}
    seen: set[tuple[int, str]] = set()
    for group in groups:
        try:
            team = teams.get(group.team)
        except (BadInput, NotFound) as exc:
            plan.errors.append(_problem(group, mapping, "team", str(exc)))
            continue
        if team["id"] not in stored:
            stored[team["id"]] = _open_by_ref(db, team)
        existing = stored[team["id"]].get(group.ref) if group.ref else None
        if group.ref:
            seen.add((team["id"], group.ref))
        row = _clean(group, team, existing, mapping, plan.errors)
        if row is None:
            continue
        if existing is None:
            closed = _closed_with_ref(db, team, group.ref) if group.ref else None
            plan.new.append(NewFamily(group.rows, team, row, closed=closed))
            continue
        changes = _changes(db, existing, row)
        if changes:
            plan.changed.append(Change(group.rows, team, existing, changes))
        else:
            plan.unchanged += 1
    plan.errors.sort(key=lambda p: p.row)
    if reconcile:
        if only_team is None and "team" not in mapping:
            try:
                team = teams.get(None)
                stored.setdefault(team["id"], _open_by_ref(db, team))
            except (BadInput, NotFound):
                pass  # several teams and none named: only the teams in the export count
        plan.not_in_export = _not_in_export(db, stored, seen)
    return plan


def _open_by_ref(db, team: dict) -> dict[str, dict]:
    rows = db["families"].rows_where(
        "team_id = ? and closed is null and ref is not null", [team["id"]], order_by="id"
    )
    found: dict[str, dict] = {}
    for row in rows:
        found.setdefault(row["ref"], row)
    return found


def _closed_with_ref(db, team: dict, ref: str) -> dict | None:
    """The latest closed family of the team with this reference, if any: the import makes
    a new tile, and the preview says so, in case the old one should be reopened instead."""
    rows = db.query(
        """select token, closed from families where team_id = ? and ref = ? and closed is
           not null order by closed desc, id desc limit 1""",
        [team["id"], ref],
    )
    return next(iter(rows), None)


def _problem(group: Group, mapping: dict[str, str], name: str, message: str) -> Problem:
    return Problem(group.rows[0], group.ref, mapping.get(name), name, message)


def _canonical(value: str, allowed: list[str]) -> str | None:
    return next((a for a in allowed if a.lower() == value.strip().lower()), None)


def _clean(group, team, existing, mapping, errors) -> dict | None:
    """The row to store for ``group``, or None after adding its problems to ``errors``.

    Messages never quote a type or flag cell: a column mapped by mistake could hold names.
    """
    if group.bad:
        return None  # already reported
    values, bad = group.values, False
    settings = team_settings(team)
    case_type = values.get("type")
    if case_type and not _canonical(case_type, settings["case_types"]):
        message = f"unknown case type; this team uses: {', '.join(settings['case_types'])}"
        errors.append(_problem(group, mapping, "type", message))
        bad = True
    flags = values.get("flags") or []
    if any(not _canonical(f, settings["flags"]) for f in flags):
        message = f"unknown flag; this team uses: {', '.join(settings['flags'])}"
        errors.append(_problem(group, mapping, "flags", message))
        bad = True
    stage = values.get("stage") or (existing or {}).get("stage")
    if stage is None:
        errors.append(_problem(group, mapping, "stage", "empty: a new family needs a stage 1-6"))
        bad = True
    if bad:
        return None
    keep = existing or {}
    fields = {
        "initials": " ".join(group.codes),
        "stage": stage,
        "review": values["review"],
        "opened": values.get("opened") or keep.get("opened"),
        "ref": group.ref,
        "worker": values.get("worker") if "worker" in mapping else keep.get("worker"),
        "case_type": values.get("type") if "type" in mapping else keep.get("case_type"),
        "flags": flags if "flags" in mapping else None,
        **{
            name: values.get(name) if name in mapping else keep.get(name)
            for name in ("proceedings_start", "s47")
        },
    }
    opened = fields["opened"] or team_today(team)
    for name, what in (("proceedings_start", "proceedings start"), ("s47", "s.47 referral")):
        if fields[name] and str(fields[name]) < str(opened):
            message = f"the {what} {fields[name]} is before the case opened on {opened}"
            errors.append(_problem(group, mapping, name, message))
            return None
    try:
        row = clean_family(fields, team, team_today(team))
    except BadInput as exc:
        errors.append(_problem(group, mapping, "initials", str(exc)))
        return None
    if existing and "flags" not in mapping:
        row["flags"] = None  # keep the stored flags
    return row


def _changes(db, existing: dict, row: dict) -> dict[str, tuple]:
    changes = {}
    for name in COMPARED:
        if name == "flags":
            if row["flags"] is None:
                continue
            old, new = flags_of(db, existing["id"]), row["flags"]
        elif name == "initials":
            old, new = existing["initials"], row["initials"]
            if sorted(old.split()) == sorted(new.split()):
                continue
        else:
            old, new = existing[name], row.get(name)
        if old != new:
            changes[name] = (old, new)
    return changes


def _not_in_export(db, stored: dict[int, dict[str, dict]], seen: set) -> list[dict]:
    missing = []
    for team_id, by_ref in stored.items():
        team = db["teams"].get(team_id)
        for ref, row in sorted(by_ref.items()):
            if (team_id, ref) not in seen:
                missing.append(
                    {
                        "token": row["token"],
                        "ref": ref,
                        "team": team["name"],
                        "initials": row["initials"],
                        "stage": row["stage"],
                        "next_review": row["next_review"],
                    }
                )
    return missing
