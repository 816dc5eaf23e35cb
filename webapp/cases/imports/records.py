"""Rows of an export -> family groups, each with its board codes, and the problems found.

Rows sharing a case reference (within a team) are one family group and one tile: their
children's codes go on it together. For the fields a tile has once, the group takes the
earliest review, opening, proceedings-start and s.47 dates, every row's flags, and the
first filled worker and case type; rows that disagree on the stage are a problem. Names
are read only to derive a code and go no further than this module's local variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from tilegen import domain
from tilegen.standard import STAGES
from webapp.cases.imports.dates import DateError, parse_export_date, shown
from webapp.cases.imports.problems import Problem

#: The date fields of a group: for each, the earliest of its rows' dates.
DATES = ("review", "opened", "proceedings_start", "s47")


@dataclass
class Group:
    """One family group as the export describes it: codes and values, never a name."""

    rows: list[int]
    ref: str | None
    team: str | None
    codes: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # stage, review, opened, worker, type, flags
    bad: bool = False  # a problem was found in one of its rows (and reported)


def cell_text(cell) -> str:
    """A cell as text: whole numbers without ``.0``, dates as ISO."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


class _Row:
    """One data row's cells by field, collecting its problems."""

    def __init__(self, number, cells, found, headers, problems):
        self.number, self.cells, self.found = number, cells, found
        self.headers, self.problems = headers, problems
        self.ref = self.text("ref") or None

    def cell(self, name):
        index = self.found.get(name)
        return None if index is None else self.cells[index]

    def text(self, name) -> str:
        return cell_text(self.cell(name))

    def problem(self, name, message):
        column = self.headers[self.found[name]] if name in self.found else None
        self.problems.append(Problem(self.number, self.ref, column, name, message))

    def codes(self) -> list[str]:
        if self.text("initials"):
            try:
                return domain.board_codes(self.text("initials"))
            except ValueError:
                self.problem("initials", "board codes must be three letters like TWr")
                return []
        if "first_name" not in self.found:
            self.problem("initials", "empty: a board code is needed")
            return []
        first, surname = self.text("first_name"), self.text("surname")
        if not first:
            self.problem("first_name", "empty: a board code needs the child's first name")
        if not surname:
            self.problem("surname", "empty: a board code needs the surname")
        if not (first and surname):
            return []
        for name, value in (("first_name", first), ("surname", surname)):
            if not domain.name_letters(value):
                self.problem(name, "no letter A-Z to derive a code from; give the code instead")
                return []
        return [domain.board_code(first, surname)]

    def date(self, name) -> date | None:
        try:
            return parse_export_date(self.cell(name))
        except DateError as exc:
            self.problem(name, str(exc))
            return None

    def stage(self) -> int | None:
        text = self.text("stage")
        if not text:
            return None
        if text.isdigit() and int(text) in STAGES:
            return int(text)
        self.problem("stage", f"{shown(text)} is not a stage from 1 to 6")
        return None

    def flags(self) -> list[str]:
        text = self.text("flags").replace(";", "|").replace(",", "|")
        return [f.strip() for f in text.split("|") if f.strip()]


def read_groups(table, found: dict[str, int], default_team: str | None):
    """The export's family groups in file order, and every problem in its rows."""
    problems: list[Problem] = []
    groups: dict[tuple, Group] = {}
    for number, cells in table.rows:
        row = _Row(number, cells, found, table.headers, problems)
        team = row.text("team") or default_team
        key = (team, row.ref) if row.ref else (team, None, number)
        group = groups.setdefault(key, Group([], row.ref, team))
        group.rows.append(number)
        reported = len(problems)
        group.codes += row.codes()
        _merge(group, row)
        group.bad = group.bad or len(problems) > reported
    for group in groups.values():
        if len(group.codes) > domain.MAX_CODES:
            group.bad = True
            problems.append(
                Problem(
                    group.rows[0],
                    group.ref,
                    None,
                    "initials",
                    f"{len(group.codes)} children share this reference; "
                    f"a tile holds at most {domain.MAX_CODES} codes",
                )
            )
        if "review" not in group.values and not group.bad:
            column = table.headers[found["review"]] if "review" in found else None
            problems.append(
                Problem(group.rows[0], group.ref, column, "review", "empty: a tile needs a date")
            )
            group.bad = True
    problems.sort(key=lambda p: p.row)
    return list(groups.values()), problems


def _merge(group: Group, row: _Row) -> None:
    values = group.values
    stage = row.stage()
    if stage is not None:
        if values.get("stage", stage) != stage:
            row.problem(
                "stage",
                f"stage {stage} differs from stage {values['stage']} "
                f"in row {group.rows[0]} of the same reference",
            )
        values.setdefault("stage", stage)
    for name in DATES:
        day = row.date(name)
        if day and (name not in values or day < values[name]):
            values[name] = day
    for name in ("worker", "type"):
        if row.text(name) and name not in values:
            values[name] = row.text(name)
    if "flags" in row.found:
        values["flags"] = sorted(set(values.get("flags", [])) | set(row.flags()))


def group_to_json(group: Group) -> dict:
    """A group as plain JSON (dates as ISO): codes and values only, so a preview can be
    carried to the confirm step without any name."""
    values = {k: v.isoformat() if isinstance(v, date) else v for k, v in group.values.items()}
    return {"rows": group.rows, "ref": group.ref, "team": group.team, "codes": group.codes,
            "values": values}  # fmt: skip


def group_from_json(data: dict) -> Group:
    values = dict(data["values"])
    for name in DATES:
        if values.get(name):
            values[name] = date.fromisoformat(values[name])
    return Group(list(data["rows"]), data["ref"], data["team"], list(data["codes"]), values)
