"""Bringing families in from a case system's own export (docs/contract.md §10, §13).

The steps, each in its own module: read the file from memory within :mod:`.limits`
(:mod:`.sources`), find its data sheet, header and the rows to skip (:mod:`.tables`),
decide which column is which field (:mod:`.columns`, :mod:`.mappings`), turn rows into
family groups with derived board codes (:mod:`.records`, :mod:`.dates`, :mod:`.words`,
:mod:`.refs`), compare them with the store (:mod:`.plan`, :mod:`.stored`) and write the
result in one short transaction (:mod:`.writing`).

Children's names are read only to derive a code. They are never written to the store, a
log, an error message or a temporary file: a :class:`~.records.Group` holds codes only,
and problems name a row by its number, reference and column.
"""

from __future__ import annotations

from webapp.accounts.teams import team_today
from webapp.cases.imports.columns import as_headers, parse_columns, resolve, usable
from webapp.cases.imports.mappings import get_mapping, save_mapping
from webapp.cases.imports.plan import Plan, plan_import
from webapp.cases.imports.records import read_groups
from webapp.cases.imports.stored import find_team
from webapp.cases.imports.tables import Table, read_table
from webapp.cases.imports.writing import StoreChanged, write_plan
from webapp.errors import BadInput
from webapp.values.actor import Actor

__all__ = [
    "ImportRefused",
    "Plan",
    "import_export",
    "prepare_import",
    "plan_table",
    "read_table",
]

#: Problems named in the one-line refusal.
SHOWN_PROBLEMS = 20
#: Times an import is planned again when the store changed under it.
REPLANS = 3


class ImportRefused(BadInput):
    """An export with bad rows: nothing was written. ``plan`` lists every problem."""

    def __init__(self, plan: Plan):
        self.plan = plan
        problems = "; ".join(p.text() for p in plan.errors[:SHOWN_PROBLEMS])
        if len(plan.errors) > SHOWN_PROBLEMS:
            problems += f"; and {len(plan.errors) - SHOWN_PROBLEMS} more (--json lists them all)"
        super().__init__(f"nothing imported, {len(plan.errors)} problem(s): {problems}")


def plan_table(
    db,
    table: Table,
    *chosen: dict[str, str],
    saved: dict[str, str] | None = None,
    default_team: str | None = None,
    only_team: dict | None = None,
    reconcile: bool = False,
    default_stage: int | None = None,
) -> Plan:
    """What importing ``table`` would change, with ``chosen`` column mappings first, then
    the part of a ``saved`` mapping this file has, then the common header names."""
    kept, notes = usable(saved or {}, table.headers)
    columns = resolve(table.headers, table.header_row, *chosen, kept)
    mapping = as_headers(columns.found, table.headers)
    shown = {"skipped": list(table.skipped), "sheet": table.sheet,
             "header_row": table.header_row, "passed_over": columns.passed_over,
             "notes": notes, "found": columns.found}  # fmt: skip
    if columns.problems:
        return Plan(mapping, errors=columns.problems, **shown)
    team_name = only_team["name"] if only_team else default_team
    today = team_today(only_team or find_team(db, default_team)) if team_name else None
    reading = read_groups(table, columns.found, team_name, today or _any_today(db))
    plan = plan_import(
        db,
        reading.groups,
        reading.problems,
        mapping,
        default_team=default_team,
        only_team=only_team,
        reconcile=reconcile,
        default_stage=default_stage,
        names=reading.names,
    )
    shown["groups"] = reading.groups
    shown["notes"] = [*notes, *plan.notes]
    shown["skipped"] = sorted(shown["skipped"] + reading.skipped, key=lambda s: s["row"])
    for key, value in shown.items():
        setattr(plan, key, value)
    return plan


def _any_today(db):
    row = db.execute("select timezone from teams order by id limit 1").fetchone()
    return team_today({"timezone": row[0] if row else None})


def prepare_import(
    db,
    data: bytes,
    filename: str,
    *,
    team_name: str | None = None,
    columns: str | None = None,
    mapping_name: str | None = None,
    reconcile: bool = False,
    sheet: str | None = None,
    header_row: int | None = None,
    default_stage: int | None = None,
) -> Plan:
    """Read an export (bytes in memory) and plan its import, as the command line does:
    ``columns`` (``"field=Header,..."``) first, then the saved mapping ``mapping_name``,
    then the common header names."""
    chosen = parse_columns(columns)
    saved = get_mapping(db, find_team(db, team_name), mapping_name) if mapping_name else {}
    table = read_table(data, filename, sheet=sheet, header_row=header_row, chosen=(chosen, saved))
    return plan_table(db, table, chosen, saved=saved, default_team=team_name,
                      reconcile=reconcile, default_stage=default_stage)  # fmt: skip


def import_export(
    db,
    plan: Plan,
    *,
    team: dict | None = None,
    save_as: str | None = None,
    actor: Actor,
    replan=None,
) -> Plan:
    """Write a checked plan, and save its column mapping for ``team`` as ``save_as``.

    Raises :class:`ImportRefused`, writing nothing, when any row is bad. If the store
    changed between the plan and the write, ``replan()`` makes the plan again (at most
    :data:`REPLANS` times); without it, nothing is written and the import is refused.
    """
    for attempt in range(REPLANS + 1):
        if plan.errors:
            raise ImportRefused(plan)
        try:
            write_plan(db, plan, actor=actor)
            break
        except StoreChanged:
            if replan is None or attempt == REPLANS:
                raise BadInput(
                    "nothing imported: the team's families changed while the import was "
                    "checked; run it again"
                ) from None
            plan = replan()
    if save_as:
        save_mapping(db, team, save_as, plan.mapping)
    return plan
