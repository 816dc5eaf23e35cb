"""Stages, case types and flags as case systems word them (docs/contract.md §13).

A stage may be ``3``, ``Stage 3``, ``3 - Building the desire to change`` or the
framework's own name as on the board headers. A case type or flag may be caseboard's
own name, a default synonym below (``Child in Need`` = CIN, ``Looked After`` = CLA), or
one of the team's own synonyms, set on the admin page as ``word = name`` lines, where
the name ``-`` means "not a caseboard flag or type: leave it out". One flags cell may
hold several (``CSE / MARAC``).
"""

from __future__ import annotations

import re

from tilegen.standard import STAGES
from webapp.cases.imports.columns import header_key
from webapp.errors import BadInput
from webapp.values.bounds import check_text

#: A team's synonym that leaves the case system's word out.
LEAVE_OUT = "-"
#: Most synonyms a team keeps.
MAX_WORDS = 200

_STAGE_NAMES = {header_key(name): number for number, name in STAGES.items()}
_STAGE_NAMES.update(
    {
        header_key(alias): number
        for alias, number in (
            ("agreeing a plan", 2),
            ("building desire to change", 3),
            ("sustaining change", 5),
            ("closing", 6),
            ("transferring", 6),
            ("closing transferring", 6),
            ("closure", 6),
        )
    }
)
_STAGE_NUMBER = re.compile(r"^(?:stage|step)?\s*([1-6])(?:\s+(.*))?$")

DEFAULT_TYPES = {
    "CIN": "child in need, cin plan, child in need plan, section 17, s17",
    "CP": "child protection, child protection plan, cpp, cp plan, subject to a cp plan",
    "CLA": "looked after, looked after child, child looked after, looked after children, "
    "lac, cla, in care",
    "s.31": "s31, s 31, section 31, care proceedings",
    "s.25": "s25, s 25, section 25, secure accommodation",
}
DEFAULT_FLAGS = {
    "CSE": "child sexual exploitation, sexual exploitation",
    "FGM": "female genital mutilation",
    "honour-based violence": "honour based violence, hbv, honour based abuse",
    "gangs": "gang, gang affiliation, gang involvement",
    "forced marriage": "forced marriage",
    "MARAC": "marac referral",
}
_SPLIT = re.compile(r"\s*[;,|/+\n]\s*|\s+&\s+|\s+and\s+")


def _table(defaults: dict[str, str]) -> dict[str, str]:
    return {
        header_key(word): name
        for name, words in defaults.items()
        for word in [name, *words.split(",")]
    }


_TYPES, _FLAGS = _table(DEFAULT_TYPES), _table(DEFAULT_FLAGS)
#: The default synonyms as the admin page lists them.
DEFAULT_WORDS = [
    (name, words.strip()) for defaults in (DEFAULT_TYPES, DEFAULT_FLAGS)
    for name, words in defaults.items()
]  # fmt: skip


def stage_number(text: str) -> int | None:
    """The stage a cell names, or None."""
    key = header_key(text)
    if key in _STAGE_NAMES:
        return _STAGE_NAMES[key]
    match = _STAGE_NUMBER.match(key)
    if match and (not match.group(2) or _STAGE_NAMES.get(match.group(2)) == int(match.group(1))):
        return int(match.group(1))
    return None


def _canonical(word: str, allowed: list[str], defaults: dict, own: dict) -> str | None:
    """caseboard's name for ``word``: "" to leave it out, None when it is unknown."""
    key = header_key(word)
    name = own.get(key) or defaults.get(key) or word
    if name == LEAVE_OUT:
        return ""
    return next((a for a in allowed if header_key(a) == header_key(name)), None)


def case_type(word: str, allowed: list[str], own: dict) -> str | None:
    return _canonical(word, allowed, _TYPES, own)


def split_flags(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text or "") if w.strip()]


def flag_name(word: str, allowed: list[str], own: dict) -> str | None:
    return _canonical(word, allowed, _FLAGS, own)


def parse_synonyms(text: str, allowed: list[str]) -> dict[str, str]:
    """The admin page's ``word = name`` lines as ``{word key: name}``; every name must be
    one of the team's case types or flags (``allowed``), or ``-``."""
    found: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        word, sep, name = line.partition("=")
        word, name = check_text(word, "text", 80), check_text(name, "text", 80)
        if not sep or not word or not name:
            raise BadInput(f"line {number}: write it as word = name, not {line.strip()!r}")
        if name != LEAVE_OUT:
            match = next((a for a in allowed if header_key(a) == header_key(name)), None)
            if match is None:
                raise BadInput(
                    f"line {number}: {name!r} is not one of this team's case types or flags "
                    f"({', '.join(allowed)}), or - to leave the word out"
                )
            name = match
        found[header_key(word)] = name
        if len(found) > MAX_WORDS:
            raise BadInput(f"at most {MAX_WORDS} synonyms")
    return found


def synonyms_text(own: dict[str, str]) -> str:
    return "\n".join(f"{word} = {name}" for word, name in sorted(own.items()))
