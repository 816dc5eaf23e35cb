"""Bringing families in from a case system's own export (docs/contract.md §10).

The steps, each in its own module: read the file from memory (:mod:`.tables`), decide
which column is which field (:mod:`.columns`, :mod:`.mappings`), turn rows into family
groups with derived board codes (:mod:`.records`, :mod:`.dates`), compare them with the
store (:mod:`.plan`) and write the result (:mod:`.writing`).

Children's names are read only to derive a code. They are never written to the store, a
log, an error message or a temporary file: a :class:`~.records.Group` holds codes only,
and problems name a row by its number, reference and column.
"""

from __future__ import annotations

from webapp.cases.imports.columns import as_headers, parse_columns, resolve
from webapp.cases.imports.mappings import get_mapping, save_mapping
from webapp.cases.imports.plan import Plan, plan_import
from webapp.cases.imports.records import read_groups
from webapp.cases.imports.tables import Table, read_table
from webapp.cases.imports.writing import write_plan
from webapp.cases.teams import get_team
from webapp.errors import BadInput

__all__ = [
    "ImportRefused",
    "Plan",
    "import_export",
    "prepare_import",
    "plan_table",
    "read_table",
]


class ImportRefused(BadInput):
    """An export with bad rows: nothing was written. ``plan`` lists every problem."""

    def __init__(self, plan: Plan):
        self.plan = plan
        problems = "; ".join(p.text() for p in plan.errors)
        super().__init__(f"nothing imported, {len(plan.errors)} problem(s): {problems}")


def plan_table(
    db,
    table: Table,
    *chosen: dict[str, str],
    default_team: str | None = None,
    only_team: dict | None = None,
    reconcile: bool = False,
) -> Plan:
    """What importing ``table`` would change, with ``chosen`` column mappings first."""
    found, problems = resolve(table.headers, table.header_row, *chosen)
    mapping = as_headers(found, table.headers)
    if problems:
        return Plan(mapping, errors=problems)
    groups, problems = read_groups(table, found, default_team)
    return plan_import(
        db,
        groups,
        problems,
        mapping,
        default_team=default_team,
        only_team=only_team,
        reconcile=reconcile,
    )


def prepare_import(
    db,
    data: bytes,
    filename: str,
    *,
    team_name: str | None = None,
    columns: str | None = None,
    mapping_name: str | None = None,
    reconcile: bool = False,
) -> Plan:
    """Read an export (bytes in memory) and plan its import, as the command line does:
    ``columns`` (``"field=Header,..."``) first, then the saved mapping ``mapping_name``,
    then the common header names."""
    chosen = [parse_columns(columns)]
    if mapping_name:
        chosen.append(get_mapping(db, get_team(db, team_name), mapping_name))
    table = read_table(data, filename)
    return plan_table(db, table, *chosen, default_team=team_name, reconcile=reconcile)


def import_export(
    db,
    plan: Plan,
    *,
    team: dict | None = None,
    save_as: str | None = None,
    user_id: int | None = None,
    source: str = "cli",
) -> Plan:
    """Write a checked plan, and save its column mapping for ``team`` as ``save_as``.

    Raises :class:`ImportRefused`, writing nothing, when any row is bad.
    """
    if plan.errors:
        raise ImportRefused(plan)
    if save_as:
        save_mapping(db, team, save_as, plan.mapping)
    write_plan(db, plan, user_id=user_id, source=source)
    return plan
