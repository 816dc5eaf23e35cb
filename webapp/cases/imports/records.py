"""Rows of an export -> family groups, each with its board codes, and the problems found.

Rows sharing a case reference (compared by :func:`.refs.ref_key`, within a team) are one
family group and one tile: their children's codes go on it together, each child once
(a child listed twice, by the child's own reference or name, is one code). For the
fields a tile has once, the group takes the earliest review, opening, proceedings-start
and s.47 dates, every row's flags, and the first filled worker and case type; rows that
disagree on the stage are a problem. With a team given, rows naming another team are
skipped. Names are read only to derive a code and to keep them out of references and
messages; they go no further than this module's local variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from tilegen import domain
from webapp.cases.imports.columns import NAME_FIELDS, NAME_HEADERS, header_key
from webapp.cases.imports.dates import DateError, month_first_only, parse_export_date
from webapp.cases.imports.problems import Problem
from webapp.cases.imports.refs import Names, clean_ref, ref_key
from webapp.cases.imports.words import stage_number

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
    children: set = field(default_factory=set, repr=False)  # in memory only, never kept


@dataclass
class Reading:
    """What :func:`read_groups` found."""

    groups: list[Group]
    problems: list[Problem]
    skipped: list[dict]
    names: Names


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

    def __init__(self, number, cells, reading, names: Names, today: date):
        self.number, self.cells = number, cells
        self.found, self.headers = reading["found"], reading["headers"]
        self.problems, self.names, self.today = reading["problems"], names, today
        self.refused = reading["refused"]
        self.ref = clean_ref(self.text("ref")) or None

    def cell(self, name):
        index = self.found.get(name)
        return None if index is None else self.cells[index]

    def text(self, name) -> str:
        return cell_text(self.cell(name))

    def problem(self, name, message):
        column = self.headers[self.found[name]] if name in self.found else None
        ref = None if self.ref and self.names.holds(self.ref) else self.ref
        self.problems.append(Problem(self.number, ref, column, name, message))

    def child(self):
        """Who this row's child is, to list each child once: never stored."""
        if self.text("child_ref"):
            return ("ref", ref_key(self.text("child_ref")))
        if self.text("first_name") or self.text("surname") or self.text("full_name"):
            return ("name", self.text("first_name").lower(), self.text("surname").lower(),
                    " ".join(self.text("full_name").lower().split()))  # fmt: skip
        return ("codes", self.text("initials")) if self.text("initials") else None

    def codes(self) -> list[str]:
        if self.text("initials"):
            try:
                return domain.board_codes(self.text("initials"))
            except ValueError:
                quoted = self.names.quote(self.text("initials"))
                self.problem("initials", f"{quoted}: board codes must be three letters like TWr")
                return []
        if "first_name" not in self.found and "full_name" in self.found:
            return self.full_name_code()
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

    def full_name_code(self) -> list[str]:
        """The code from a name written ``SURNAME, Forename`` (as case systems list
        children). Without the comma the surname cannot be told from a middle name, so
        the row is refused rather than given a wrong code."""
        surname, comma, forenames = self.text("full_name").partition(",")
        first = forenames.split()[0] if forenames.split() else ""
        if not comma or not surname.strip() or not first:
            self.problem(
                "full_name",
                "a name must be written Surname, Forename (or give the first name and the "
                "surname in columns of their own, or the board code)",
            )
            return []
        if not (domain.name_letters(first) and domain.name_letters(surname)):
            self.problem("full_name", "no letter A-Z to derive a code from; give the code")
            return []
        return [domain.board_code(first, surname.strip())]

    def date(self, name) -> date | None:
        if name in self.refused:
            return None
        try:
            return parse_export_date(self.cell(name), self.today)
        except DateError as exc:
            self.problem(name, str(exc))
            return None

    def stage(self) -> int | None:
        text = self.text("stage")
        if not text:
            return None
        number = stage_number(text)
        if number is None:
            self.problem(
                "stage",
                f"{self.names.quote(text)} is not a stage: write 1 to 6, Stage 1 to Stage 6, "
                "or the stage's name as on the board",
            )
        return number

    def flags(self) -> list[str]:
        return [self.text("flags")] if self.text("flags") else []


def _names(table, found) -> Names:
    names = Names()
    columns = [found[f] for f in NAME_FIELDS if f in found]
    columns += [i for i, h in enumerate(table.headers) if header_key(h) in NAME_HEADERS]
    for _number, cells in table.rows:
        for index in columns:
            names.add(cells[index])
    return names


def _month_first_columns(table, found, problems) -> set[str]:
    """The date fields whose column has any date that reads only month first: each is
    refused whole, since its other dates (04/12/2026) cannot be trusted either."""
    refused = set()
    for name in DATES:
        if name not in found:
            continue
        bad = [(n, c[found[name]]) for n, c in table.rows if month_first_only(c[found[name]])]
        if bad:
            refused.add(name)
            rows = ", ".join(f"row {n} {v.strip()!r}" for n, v in bad[:3])
            more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
            verb = "reads" if len(bad) == 1 else "read"
            problems.append(
                Problem(
                    bad[0][0],
                    None,
                    table.headers[found[name]],
                    name,
                    f"the whole column is refused: {rows}{more} {verb} only month first "
                    "(US order), so none of its dates can be trusted; export it day first "
                    "(DD/MM/YYYY) or as 2026-12-04",
                )
            )
    return refused


def read_groups(table, found: dict[str, int], default_team: str | None, today: date) -> Reading:
    """The export's family groups in file order, the problems in its rows, and the rows of
    other teams skipped (when ``default_team`` is given)."""
    problems: list[Problem] = []
    names = _names(table, found)
    state = {"found": found, "headers": table.headers, "problems": problems,
             "refused": _month_first_columns(table, found, problems)}  # fmt: skip
    groups: dict[tuple, Group] = {}
    skipped: list[dict] = []
    for number, cells in table.rows:
        row = _Row(number, cells, state, names, today)
        team = row.text("team") or default_team
        if default_team and header_key(team) != header_key(default_team):
            reason = f"another team ({names.quote(team)}, not {default_team!r})"
            skipped.append({"row": number, "reason": reason})
            continue
        key = (header_key(team or ""), ref_key(row.ref) or ("row", number))
        group = groups.setdefault(key, Group([], row.ref, team))
        group.rows.append(number)
        reported = len(problems)
        if _name_in_ref(row, names):
            group.ref = None  # never carried further, nor shown
        child = row.child()
        codes = row.codes()
        if child is None or child not in group.children:
            group.codes += codes
        group.children.add(child)
        _merge(group, row)
        group.bad = group.bad or len(problems) > reported or bool(state["refused"])
    _check_groups(groups.values(), table, found, problems, state["refused"])
    problems.sort(key=lambda p: p.row)
    return Reading(list(groups.values()), problems, skipped, names)


def _name_in_ref(row: _Row, names: Names) -> bool:
    if row.ref and names.holds(row.ref):
        row.problem(
            "ref",
            "the reference holds a word from the name columns, and a name must never be "
            "stored: use the case system's number (or choose another column as the reference)",
        )
        return True
    return False


def _check_groups(groups, table, found, problems, refused: set[str]) -> None:
    for group in groups:
        ref = group.ref
        if len(group.codes) > domain.MAX_CODES:
            group.bad = True
            problems.append(
                Problem(
                    group.rows[0],
                    ref,
                    None,
                    "initials",
                    f"{len(group.codes)} children share this reference; "
                    f"a tile holds at most {domain.MAX_CODES} codes",
                )  # fmt: skip
            )
        if "review" not in group.values and not group.bad and "review" not in refused:
            column = table.headers[found["review"]] if "review" in found else None
            problems.append(
                Problem(group.rows[0], ref, column, "review", "empty: a tile needs a date")
            )
            group.bad = True


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
