"""Writing a checked plan: all of it or none of it, in one short transaction.

Everything is prepared before the store's write lock is taken: the rows of new families
(with their tokens), their flags and events, and every change. The transaction then
checks that the teams' families have not changed since the plan was made (else the
import is planned again against the store as it now is) and writes the prepared rows
with ``executemany``, so even 20,000 families hold the lock for a fraction of a second.
Killed half-way, the store is as it was: SQLite rolls the transaction back.
"""

from __future__ import annotations

import json
import secrets
import time

from tilegen.payload import TOKEN_ALPHABET, TOKEN_LENGTH
from webapp.accounts.teams import team_today
from webapp.cases.imports.plan import Change, Plan
from webapp.cases.imports.stored import fingerprint
from webapp.errors import BadInput
from webapp.store import events
from webapp.store.connection import utcnow
from webapp.values.actor import Actor

#: The event of a change to a field with no event of its own (codes, worker, dates, type).
IMPORTED = "imported"
_FAMILY = ("team_id", "token", "initials", "stage", "next_review", "opened", "ref", "worker",
           "case_type", "proceedings_start", "s47", "rereferral_of", "created_at",
           "updated_at")  # fmt: skip
_EVENT = ("team_id", "family_id", "at", "on_date", "kind", "detail", "user_id", "source")
_UPDATED = ("initials", "stage", "next_review", "opened", "worker", "case_type",
            "proceedings_start", "s47")  # fmt: skip


class StoreChanged(Exception):
    """A team's families changed between the plan and the write: plan again."""


class Written:
    """How long the write held the store's write lock, in seconds."""

    lock_s: float = 0.0


def _tokens(db, count: int) -> list[str]:
    """``count`` new tile tokens, as :func:`tilegen.payload.new_token` makes them, from one
    read of the system's random source (one call per character was most of the time of a
    20,000-family import), none already taken."""
    taken = {r[0] for r in db.execute("select token from families").fetchall()}
    size = len(TOKEN_ALPHABET)
    fair = 256 - 256 % size  # bytes at or above this would favour some characters
    tokens: list[str] = []
    while len(tokens) < count:
        pool = [b for b in secrets.token_bytes(2 * TOKEN_LENGTH * (count - len(tokens)) + 64)
                if b < fair]  # fmt: skip
        for start in range(0, len(pool) - TOKEN_LENGTH + 1, TOKEN_LENGTH):
            token = "".join(TOKEN_ALPHABET[b % size] for b in pool[start : start + TOKEN_LENGTH])
            if token not in taken and len(tokens) < count:
                taken.add(token)
                tokens.append(token)
    return tokens


def _new_rows(db, plan: Plan, now: str, actor: Actor) -> tuple[list, list, list]:
    """(family rows, flag rows, event rows) for the new families; ids are offsets from the
    first free id, filled in under the lock."""
    families, flags, created = [], [], []
    for offset, (new, token) in enumerate(zip(plan.new, _tokens(db, len(plan.new)), strict=True)):
        row, team = new.row, new.team
        earlier = new.rereferral_of
        values = {**row, "token": token, "created_at": now, "updated_at": now,
                  "rereferral_of": earlier["id"] if earlier else None}  # fmt: skip
        new.token = token
        families.append([values.get(k) for k in _FAMILY])
        flags += [(offset, name, row["opened"]) for name in row["flags"]]
        detail = {k: values[k] for k in ("stage", "next_review", "initials")}
        if earlier:
            detail.update(rereferral_of=earlier["token"], closed_on=earlier["closed"])
        on = team_today(team).isoformat()
        created.append((team["id"], offset, now, on, events.CREATED,
                        json.dumps(detail, sort_keys=True), actor.user, actor.source))  # fmt: skip
    return families, flags, created


def _change_rows(change: Change, now: str, actor: Actor) -> tuple[list, list, list, list]:
    """(the update, flags added, flags removed, events) for one changed family."""
    family, team = change.family, change.team
    on = team_today(team).isoformat()
    values = {k: family[k] for k in _UPDATED}
    added, removed, kinds, other = [], [], [], {}
    for name, (old, new) in change.changes.items():
        if name == "flags":
            added = [(family["id"], f, on) for f in sorted(set(new) - set(old))]
            removed = [(on, family["id"], f) for f in sorted(set(old) - set(new))]
            kinds += [(events.FLAG_ADDED, {"flag": f}) for _, f, _ in added]
            kinds += [(events.FLAG_REMOVED, {"flag": f}) for _, _, f in removed]
            continue
        values[name] = new
        if name == "stage":
            kinds.append((events.STAGE_MOVED, {"from": old, "to": new}))
        elif name == "next_review":
            kinds.append((events.REVIEW_SET, {"from": old, "to": new}))
        else:
            other[name] = {"from": old, "to": new}
    if other:
        kinds.append((IMPORTED, other))
    reprint = "initials" in change.changes  # the tile shows the codes: print it again
    update = [*(values[k] for k in _UPDATED), reprint, now, family["id"]]
    rows = [(team["id"], family["id"], now, on, kind, json.dumps(detail, sort_keys=True),
             actor.user, actor.source) for kind, detail in kinds]  # fmt: skip
    return update, added, removed, rows


def write_plan(db, plan: Plan, *, actor: Actor) -> Written:
    """Write ``plan`` (which must have no errors); sets each new family's ``token``.
    Raises :class:`StoreChanged` (writing nothing) when the store moved since the plan."""
    if plan.errors:
        raise BadInput("nothing imported: the export has bad rows")
    if not plan.new and not plan.changed:
        return Written()  # nothing to write: the write lock is not taken
    now = utcnow()
    families, flags, created = _new_rows(db, plan, now, actor)
    updates, added, removed, changed = [], [], [], []
    for change in plan.changed:
        update, more_added, more_removed, rows = _change_rows(change, now, actor)
        updates.append(update)
        added += more_added
        removed += more_removed
        changed += rows
    written = Written()
    _stage(db, families, created, updates)
    try:
        with db.atomic():
            start = time.perf_counter()
            now_print = tuple(sorted((t, fingerprint(db, t)) for t, _ in plan.fingerprint))
            if now_print != plan.fingerprint:
                raise StoreChanged("the families changed while the import was being checked")
            _write(db, flags, added, removed, changed)
            written.lock_s = time.perf_counter() - start
    finally:
        for table in _STAGED:
            db.conn.execute(f"drop table if exists temp.{table}")
    return written


#: Temporary tables (in memory, this connection only) holding the rows to write.
_STAGED = ("import_families", "import_events", "import_updates")


def _stage(db, families, created, updates) -> None:
    """Put the prepared rows in temporary tables before the write lock is taken, so the
    transaction copies them in SQLite's own code."""
    conn = db.conn
    conn.execute("PRAGMA temp_store = MEMORY")  # never a temporary file
    specs = {
        "import_families": ("offset", *_FAMILY),
        "import_events": _EVENT,
        "import_updates": (*_UPDATED, "reprint", "updated_at", "id"),
    }
    for table, columns in specs.items():
        conn.execute(f"drop table if exists temp.{table}")
        conn.execute(f"create temp table {table} ({', '.join(columns)})")
    for table, rows in (("import_families", [[i, *r] for i, r in enumerate(families)]),
                        ("import_events", created), ("import_updates", updates)):  # fmt: skip
        marks = ", ".join("?" * len(specs[table]))
        conn.executemany(f"insert into temp.{table} values ({marks})", rows)


def _write(db, flags, added, removed, changed) -> None:
    conn = db.conn
    base = conn.execute("select coalesce(max(id), 0) + 1 from families").fetchone()[0]
    columns = ", ".join(_FAMILY)
    conn.execute(
        f"insert into families (id, {columns}) select ? + offset, {columns} "
        "from temp.import_families order by offset",
        [base],
    )
    conn.executemany(
        "insert into flags (family_id, name, added_on) values (?, ?, ?)",
        ((base + offset, name, on) for offset, name, on in flags),
    )
    sets = ", ".join(f"{k} = u.{k}" for k in _UPDATED)
    conn.execute(
        f"update families set {sets}, tile_printed_at = case when u.reprint then null "
        "else families.tile_printed_at end, updated_at = u.updated_at "
        "from temp.import_updates u where families.id = u.id"
    )
    conn.executemany("insert into flags (family_id, name, added_on) values (?, ?, ?)", added)
    conn.executemany(
        "update flags set removed_on = ? where family_id = ? and name = ? and removed_on is null",
        removed,
    )
    event_columns = ", ".join(_EVENT)
    conn.execute(
        f"insert into events ({event_columns}) select team_id, ? + family_id, at, on_date, "
        "kind, detail, user_id, source from temp.import_events order by rowid",
        [base],
    )
    marks = ", ".join("?" * len(_EVENT))
    conn.executemany(f"insert into events ({event_columns}) values ({marks})", changed)
