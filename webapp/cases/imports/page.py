"""The admin page's import: upload -> the first rows under a drop-down per column -> what
would change -> confirm.

Between the preview and the confirm step only the family groups travel (codes, dates,
references; see :func:`~.records.group_to_json`), never a name. Choosing other columns
means choosing the file again: the file is never kept, so there is nothing to re-read.
The team's saved columns are used where this file has them (or not at all, when the
admin chooses so), and can be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass

from webapp.cases.imports import ImportRefused, import_export, plan_table
from webapp.cases.imports.columns import FIELDS, LABELS
from webapp.cases.imports.mappings import PAGE_MAPPING, find_mapping
from webapp.cases.imports.plan import Plan, plan_import
from webapp.cases.imports.records import cell_text, group_from_json, group_to_json
from webapp.cases.imports.tables import read_table
from webapp.errors import BadInput
from webapp.values.actor import Actor

#: Rows shown under the drop-downs.
SAMPLE_ROWS = 5
#: The drop-downs' choices: (value, label); "" leaves a column out.
FIELD_CHOICES = [("", "(not used)")] + [(f, LABELS[f]) for f in FIELDS]


@dataclass
class Preview:
    headers: list[str]
    sample: list[tuple[int, list[str]]]  # shown on the page only, never kept
    selected: list[str]  # the field chosen for each column ("" for none)
    plan: Plan
    carry: dict  # what the confirm step needs: groups and mapping, no names


def chosen_columns(headers: list[str], form_fields: dict[int, str]) -> dict[str, str]:
    """The drop-downs as a full mapping: every field not chosen is left out on purpose."""
    mapping = dict.fromkeys(FIELDS, "")
    for index, field in sorted(form_fields.items()):
        if not field or index >= len(headers) or not headers[index]:
            continue
        if field not in FIELDS:
            raise BadInput(f"unknown field {field!r}")
        if mapping[field]:
            raise BadInput(f"two columns are both chosen as {LABELS[field]}")
        mapping[field] = headers[index]
    return mapping


def parse_stage_choice(value: str | None) -> int | None:
    """The upload form's default stage: "" for none, else 1 to 6."""
    value = (value or "").strip()
    if not value:
        return None
    if value not in {"1", "2", "3", "4", "5", "6"}:
        raise BadInput(f"the default stage must be 1 to 6, not {value!r}")
    return int(value)


def preview_upload(
    db,
    team: dict,
    data: bytes,
    filename: str,
    form_fields: dict[int, str] | None = None,
    *,
    use_saved: bool = True,
    default_stage: int | None = None,
) -> Preview:
    """Read an upload in memory and show what importing it into ``team`` would change:
    with the columns chosen on the page, else the team's saved mapping (where this file
    has its headers, unless ``use_saved`` is off) and the common names."""
    saved = find_mapping(db, team, PAGE_MAPPING) if use_saved else {}
    table = read_table(data, filename, chosen=(saved,))
    chosen = [chosen_columns(table.headers, form_fields)] if form_fields else []
    plan = plan_table(db, table, *chosen, saved=None if form_fields else saved,
                      only_team=team, reconcile=True, default_stage=default_stage)  # fmt: skip
    by_index = {index: field for field, index in plan.found.items()}
    return Preview(
        headers=table.headers,
        sample=[(n, [cell_text(c) for c in cells]) for n, cells in table.rows[:SAMPLE_ROWS]],
        selected=[by_index.get(i, "") for i in range(len(table.headers))],
        plan=plan,
        carry={
            "team": team["id"],
            "mapping": plan.mapping,
            "default_stage": default_stage,
            "groups": [group_to_json(g) for g in plan.groups if not g.bad],
        },
    )


def confirm_import(db, team: dict, carry: dict, *, actor: Actor) -> Plan:
    """Write what a preview showed (compared with the store again now), and save its
    columns as the team's mapping. Raises :class:`ImportRefused` if anything is bad."""
    if carry.get("team") != team["id"]:
        raise BadInput("this preview belongs to another team: upload the file again")

    def plan_it():
        groups = [group_from_json(g) for g in carry["groups"]]
        return plan_import(db, groups, [], carry["mapping"], only_team=team, reconcile=True,
                           default_stage=carry.get("default_stage"))  # fmt: skip

    plan = plan_it()
    if plan.errors:
        raise ImportRefused(plan)
    return import_export(db, plan, team=team, save_as=PAGE_MAPPING, actor=actor,
                         replan=plan_it)  # fmt: skip
