"""Where the next sheet starts: the first free label on a part-used sheet, remembered.

A 65-label sticker sheet lasts several weeks; printing from label 1 each week would
waste the rest of it. Once a sheet is confirmed printed, the label after the last one
used is kept for the team, and the printing page offers it next time.
"""

from __future__ import annotations

from sqlite_utils import Database

from webapp.accounts.teams import get_setting, set_setting
from webapp.errors import BadInput

KINDS = ("sticker", "tile")


def _key(team: dict, kind: str) -> str:
    if kind not in KINDS:
        raise BadInput(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return f"next_label:{team['id']}:{kind}"


def next_start(db: Database, team: dict, kind: str) -> int:
    """The first free label to offer (1 when nothing was remembered)."""
    value = get_setting(db, _key(team, kind))
    return int(value) if value and value.isdigit() and int(value) >= 1 else 1


def remember_next_start(
    db: Database, team: dict, kind: str, template: str | None, start: int, used: int
) -> int:
    """After ``used`` labels printed from label ``start`` of ``template``: keep and return
    the first label still free (back to 1 when the sheet ran out exactly)."""
    from printables.templates import get_template

    try:
        slots = get_template(template).slots if template else 0
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    if not slots or start < 1 or start > slots:
        return next_start(db, team, kind)
    following = (start - 1 + used) % slots + 1
    set_setting(db, _key(team, kind), str(following))
    return following
