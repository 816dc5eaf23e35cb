"""Which column of an export holds which field (docs/contract.md §10).

A mapping is ``{field: header}``. It comes from ``--columns "field=Header,..."``, then a
team's saved mapping, then the common header names below (case, spaces and punctuation
ignored) for any field still unmapped. ``field=`` with no header leaves a field out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

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
    "child_ref",
    "full_name",
)
#: Only used to derive a board code, never stored, logged or shown.
NAME_FIELDS = ("first_name", "surname", "full_name")
#: Other columns holding names: never read, but their words are kept out of references
#: and messages too.
NAME_HEADERS = {
    "preferred name", "known as", "mother", "father", "parent", "parents",
    "carer", "main carer", "mothers name", "fathers name", "parent carer", "siblings",
    "middle name", "middle names", "alias",
}  # fmt: skip

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
    "child_ref": "child's own reference (to spot a child listed twice; not kept)",
    "full_name": "child's name as Surname, Forename",
}

#: Header names each field is read from, the preferred first: where two headers could
#: serve one field, the next review wins over the last one, and the family's reference
#: over a child's own. "Review Date" next to "Next Review Date" is the last review held.
_COMMON = {
    "initials": "initials, code, codes, board code, board codes, tile code",
    "first_name": "first name, firstname, forename, forenames, given name, child first name, "
    "child forename, childs first name, child given name, child forenames",
    "surname": "surname, last name, lastname, family name, child surname, child last name, "
    "childs surname, child family name",
    "full_name": "child name, childs name, full name, child full name, name, person name, "
    "client name",
    "stage": "case progression stage, cp stage, current stage, stage, current step, step, "
    "case progression step, board, board stage",
    "review": "next review date, next review, next review due, next review due date, "
    "review due date, review due, date of next review, due date of next review, "
    "review date, review",
    "ref": "family id, family ref, family reference, family group id, family group ref, "
    "family group, group id, household id, case group id, ref, reference, case ref, "
    "case reference, case id, case number, child id, child ref, person id, client id",
    "worker": "worker, allocated worker, social worker, allocated social worker, key worker, "
    "practitioner, case worker, caseworker, allocated to, lead worker",
    "team": "team, allocated team, team name, service team",
    "opened": "opened, opened on, date opened, open date, case opened, case open date, "
    "start date, case start date, referral date, episode start date, involvement start",
    "type": "type, case type, category, case category, legal status, plan type",
    "flags": "flags, flag, risk flags, risks, risk, risk factors, alerts, warnings",
    "proceedings_start": "proceedings start, proceedings started, proceedings start date, "
    "court proceedings start, date proceedings started, issue date",
    "s47": "s47, s 47, s47 date, s47 referral, s47 referral date, section 47, "
    "section 47 referral, section 47 date",
}
_RANKED = {field: [n.strip() for n in names.split(",")] for field, names in _COMMON.items()}
COMMON_HEADERS = {key: field for field, names in _RANKED.items() for key in names}
#: A family-level reference: with one of these, another reference column is the child's.
FAMILY_REFS = set(_RANKED["ref"][: _RANKED["ref"].index("ref")])


@lru_cache(maxsize=8192)
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


@dataclass
class Columns:
    """Which column each field is read from, and what the reading of the headers found."""

    found: dict[str, int]
    problems: list[Problem]
    passed_over: dict[str, list[str]] = field(default_factory=dict)  # field -> headers
    notes: list[str] = field(default_factory=list)


def header_score(cells, chosen=()) -> int:
    """How many fields a row of cells names: the header row names the most."""
    keys = {header_key(c) for c in cells if isinstance(c, str) and c.strip()}
    fields = {COMMON_HEADERS[k] for k in keys if k in COMMON_HEADERS}
    for mapping in chosen:
        fields |= {f for f, h in mapping.items() if h and header_key(h) in keys}
    return len(fields)


def usable(saved: dict[str, str], headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """The part of a saved mapping this file has, and a note for each header it lacks: a
    mapping saved from last month's file must not stop a file with other headers."""
    keys = {header_key(h) for h in headers}
    kept = {f: h for f, h in saved.items() if h and header_key(h) in keys}
    notes = [
        f"the saved mapping's {h!r} ({LABELS.get(f, f)}) is not in this file"
        for f, h in sorted(saved.items())
        if h and f not in kept
    ]
    return kept, notes


def resolve(headers: list[str], header_row: int, *chosen: dict[str, str]) -> Columns:
    """Column index of each mapped field, and the problems with the mapping.

    ``chosen`` are mappings in order of precedence (``--columns``, then a saved one);
    the common header names fill in the rest, the preferred name winning where several
    columns could serve a field. A chosen header missing from the file is a problem
    naming it; so is a file with no review date, or no board code and no names.
    """
    keys = [header_key(h) for h in headers]
    result = Columns({}, [])
    decided: set[str] = set()
    for mapping in chosen:
        for name, header in mapping.items():
            if name in decided:
                continue
            decided.add(name)
            if not header:
                continue
            key = header_key(header)
            if key in keys:
                result.found[name] = keys.index(key)
            else:
                result.problems.append(
                    Problem(header_row, None, header, name, "no column of that name in the file")
                )
    _common(keys, headers, decided, result)
    if not result.problems:
        result.problems += _missing(result.found, header_row)
    return result


def _common(keys: list[str], headers: list[str], decided: set[str], result: Columns) -> None:
    used = set(result.found.values())
    for name, ranked in _RANKED.items():
        if name in decided or name in result.found:
            continue
        candidates = sorted(
            (ranked.index(k), i) for i, k in enumerate(keys) if k in ranked and i not in used
        )
        if not candidates:
            continue
        result.found[name] = candidates[0][1]
        used.add(candidates[0][1])
        others = [headers[i] for _rank, i in candidates[1:]]
        if others:
            result.passed_over[name] = others
    child = result.passed_over.get("ref")
    if child and "child_ref" not in decided and keys[result.found["ref"]] in FAMILY_REFS:
        result.found["child_ref"] = headers.index(child[0])


def _missing(found: dict[str, int], header_row: int) -> list[Problem]:
    missing = []
    if "review" not in found:
        missing.append(Problem(header_row, None, None, "review", "no column for the review date"))
    names = [f for f in ("first_name", "surname") if f in found]
    if "initials" not in found and len(names) < 2 and "full_name" not in found:
        need = "a surname" if names == ["first_name"] else "a first name"
        if not names:
            need = "board codes (initials), or a first name and a surname"
        missing.append(Problem(header_row, None, None, "initials", f"no column for {need}"))
    return missing


def as_headers(found: dict[str, int], headers: list[str]) -> dict[str, str]:
    """A resolved mapping by header name, as a team saves it."""
    return {field: headers[index] for field, index in sorted(found.items())}
