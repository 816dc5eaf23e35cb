"""Writing a checked plan: new families, then changes, in modest transactions.

Everything was checked before the first write, so a bad row never leaves a half-done
import. Writing in chunks lets other teams' requests in between on a long import; if
the machine stopped half-way, running the import again finishes it (references already
written now update, and update nothing).
"""

from __future__ import annotations

from itertools import islice

from webapp.cases.families import _insert
from webapp.cases.imports.plan import Change, Plan
from webapp.cases.teams import team_today
from webapp.errors import BadInput
from webapp.store import events
from webapp.store.connection import utcnow

#: Families written per transaction.
CHUNK = 200
#: The event of a change to a field with no event of its own (codes, worker, dates, type).
IMPORTED = "imported"


def _chunks(items, size):
    items = iter(items)
    while chunk := list(islice(items, size)):
        yield chunk


def write_plan(db, plan: Plan, *, user_id: int | None = None, source: str = "cli") -> None:
    """Write ``plan`` (which must have no errors); sets each new family's ``token``."""
    if plan.errors:
        raise BadInput("nothing imported: the export has bad rows")
    for chunk in _chunks(plan.new, CHUNK):
        with db.atomic():
            for new in chunk:
                row = dict(new.row)
                new.token = _insert(db, row, user_id, source, new.team["timezone"])["token"]
    for chunk in _chunks(plan.changed, CHUNK):
        with db.atomic():
            for change in chunk:
                _apply(db, change, user_id, source)


def _event(db, change: Change, kind: str, detail: dict, user_id, source) -> None:
    team = change.team
    events.record_event(
        db, team["id"], change.family["id"], kind, detail, user_id, source, team["timezone"]
    )


def _apply(db, change: Change, user_id, source) -> None:
    """One family's changes and their events, inside the caller's transaction."""
    updates, other = {}, {}
    for name, (old, new) in change.changes.items():
        if name == "flags":
            _set_flags(db, change, old, new, user_id, source)
            continue
        updates[name] = new
        if name == "stage":
            _event(db, change, events.STAGE_MOVED, {"from": old, "to": new}, user_id, source)
        elif name == "next_review":
            _event(db, change, events.REVIEW_SET, {"from": old, "to": new}, user_id, source)
        else:
            other[name] = {"from": old, "to": new}
    if other:
        _event(db, change, IMPORTED, other, user_id, source)
    if "initials" in updates:
        updates["tile_printed_at"] = None  # the tile shows the codes: print it again
    if updates:
        db["families"].update(change.family["id"], {**updates, "updated_at": utcnow()})


def _set_flags(db, change: Change, old: list[str], new: list[str], user_id, source) -> None:
    family_id = change.family["id"]
    on = team_today(change.team).isoformat()
    for flag in sorted(set(new) - set(old)):
        db["flags"].insert({"family_id": family_id, "name": flag, "added_on": on})
        _event(db, change, events.FLAG_ADDED, {"flag": flag}, user_id, source)
    for flag in sorted(set(old) - set(new)):
        db.execute(
            "update flags set removed_on = ? where family_id = ? and name = ? "
            "and removed_on is null",
            [on, family_id, flag],
        )
        _event(db, change, events.FLAG_REMOVED, {"flag": flag}, user_id, source)
