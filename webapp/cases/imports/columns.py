"""Which column of an export holds which field (docs/contract.md §10).

A mapping is ``{field: header}``. It comes from ``--columns "field=Header,..."``, then a
team's saved mapping, then the common header names below (case, spaces and punctuation
ignored) for any field still unmapped. ``field=`` with no header leaves a field out.
"""

from __future__ import annotations

import re

from webapp.cases.imports.problems import Problem
from webapp.errors import BadInput

FIELDS = (
    "initials",
    "first_name",
    "surname",
    "stage",
    "review",
    "ref",
    "worker",
    "team",
    "opened",
    "type",
    "flags",
    "proceedings_start",
    "s47",
)
#: Only used to derive a board code, never stored, logged or shown.
NAME_FIELDS = ("first_name", "surname")

LABELS = {
    "initials": "board code(s)",
    "first_name": "child's first name",
    "surname": "surname",
    "stage": "stage (1-6)",
    "review": "next review date",
    "ref": "case reference",
    "worker": "allocated worker",
    "team": "team",
    "opened": "date opened",
    "type": "case type",
    "flags": "risk flags",
    "proceedings_start": "proceedings start date",
    "s47": "s.47 referral date",
}

_COMMON = {
    "initials": "initials, code, codes, board code, board codes, tile code",
    "first_name": "first name, firstname, forename, forenames, given name, child first name, "
    "child forename, childs first name, child given name",
    "surname": "surname, last name, lastname, family name, child surname, child last name, "
    "childs surname, child family name",
    "stage": "stage, case progression stage, cp stage, board, board stage",
    "review": "review, review date, next review, next review date, review due, "
    "review due date, next review due",
    "ref": "ref, reference, case ref, case reference, case id, case number, family id, "
    "family ref, family reference, family group id, group id, family group",
    "worker": "worker, allocated worker, social worker, allocated social worker, key worker, "
    "practitioner, case worker, caseworker",
    "team": "team, allocated team, team name",
    "opened": "opened, opened on, date opened, open date, case opened, case open date, "
    "start date, case start date",
    "type": "type, case type",
    "flags": "flags, flag, risk flags, risks, risk",
    "proceedings_start": "proceedings start, proceedings started, proceedings start date, "
    "court proceedings start, date proceedings started, issue date",
    "s47": "s47, s 47, s47 date, s47 referral, s47 referral date, section 47, "
    "section 47 referral, section 47 date",
}
COMMON_HEADERS = {
    key: field for field, names in _COMMON.items() for key in (n.strip() for n in names.split(","))
}


def header_key(header: str) -> str:
    """``Child's First-Name`` -> ``childs first name``: how headers are compared."""
    text = str(header or "").lower().replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def parse_columns(text: str | None) -> dict[str, str]:
    """``"first_name=Child first name, review=Next Review Date"`` -> a partial mapping."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        field, sep, header = part.partition("=")
        field = field.strip().lower()
        if not sep or field not in FIELDS:
            raise BadInput(
                f"--columns: {part.strip()!r} is not field=Header "
                f"(the fields are {', '.join(FIELDS)})"
            )
        mapping[field] = header.strip()
    return mapping


def resolve(
    headers: list[str], header_row: int, *chosen: dict[str, str]
) -> tuple[dict[str, int], list[Problem]]:
    """Column index of each mapped field, and the problems with the mapping.

    ``chosen`` are mappings in order of precedence (``--columns``, then a saved one);
    the common header names fill in the rest. A chosen header missing from the file is a
    problem naming it; so is a file with no review date, or no board code and no names.
    """
    keys = [header_key(h) for h in headers]
    found: dict[str, int] = {}
    problems: list[Problem] = []
    decided: set[str] = set()
    for mapping in chosen:
        for field, header in mapping.items():
            if field in decided:
                continue
            decided.add(field)
            if not header:
                continue
            key = header_key(header)
            if key in keys:
                found[field] = keys.index(key)
            else:
                problems.append(
                    Problem(header_row, None, header, field, "no column of that name in the file")
                )
    used = set(found.values())
    for index, key in enumerate(keys):
        field = COMMON_HEADERS.get(key)
        if field and field not in decided and field not in found and index not in used:
            found[field] = index
            used.add(index)
    if not problems:
        problems += _missing(found, header_row)
    return found, problems


def _missing(found: dict[str, int], header_row: int) -> list[Problem]:
    missing = []
    if "review" not in found:
        missing.append(Problem(header_row, None, None, "review", "no column for the review date"))
    names = [f for f in NAME_FIELDS if f in found]
    if "initials" not in found and len(names) < 2:
        need = "a surname" if names == ["first_name"] else "a first name"
        if not names:
            need = "board codes (initials), or a first name and a surname"
        missing.append(Problem(header_row, None, None, "initials", f"no column for {need}"))
    return missing


def as_headers(found: dict[str, int], headers: list[str]) -> dict[str, str]:
    """A resolved mapping by header name, as a team saves it."""
    return {field: headers[index] for field, index in sorted(found.items())}
