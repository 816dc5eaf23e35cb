"""The access log: who read which case's data, who changed what, who logged in.

Plain library code (no Flask): the views and commands pass who acted, an
:class:`~webapp.values.actor.Actor` (the user, the source and the client address).
Every entry goes through :func:`record`, the one place that writes it (so it can later
be batched). Admins read and filter it on the audit page and export it as CSV for a
data-protection request.

Besides the named entries the views and library write (a tile viewed, a scan applied,
a date set, ...), the web app and the command line add a generic ``read`` or
``change`` entry for any request or command that showed case data or changed the
store without writing a named one (see :func:`recorded`), so new pages and commands
are covered without each remembering to.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import date, timedelta

from sqlite_utils import Database

from webapp.store import log_buffer
from webapp.store.connection import utcnow
from webapp.values.actor import Actor

TILE_VIEW = "tile.view"
SCAN_PREVIEW = "scan.preview"
SCAN_APPLY = "scan.apply"
REVIEW_SET = "review.set"
STAGE_MOVE = "stage.move"
CASE_CLOSE = "case.close"
CASE_REOPEN = "case.reopen"
CASE_CHANGE = "case.change"
CASE_TRANSFER = "case.transfer"
LOGIN = "login"
LOGIN_FAILED = "login.failed"
LOGIN_THROTTLED = "login.throttled"
LOGOUT = "logout"
READ = "read"  # any other page, download or command that showed case data
CHANGE = "change"  # any other page, API call or command that changed the store
EXPORT = "export"
ACTIONS = (TILE_VIEW, READ, CHANGE, EXPORT, REVIEW_SET, STAGE_MOVE, CASE_CLOSE, CASE_REOPEN,
           CASE_CHANGE, CASE_TRANSFER, SCAN_PREVIEW, SCAN_APPLY, LOGIN, LOGIN_FAILED,
           LOGIN_THROTTLED, LOGOUT)  # fmt: skip
CSV_COLUMNS = ("id", "at", "username", "team_id", "action", "target", "detail", "source", "ip")

_recorded: ContextVar[int] = ContextVar("caseboard_access_log_recorded", default=0)


def recorded() -> int:
    """How many entries this context (a request, a command) has recorded so far."""
    return _recorded.get()


def record(
    db: Database,
    team_id: int | None,
    action: str,
    target: str | None = None,
    detail: dict | None = None,
    *,
    actor: Actor,
) -> None:
    """Append one entry by ``actor`` (its user, source and address): in the caller's
    transaction, if any; else at once when the store takes it without waiting, or a
    moment later (:mod:`webapp.store.log_buffer`).

    Plain SQL rather than ``db["audit"].insert``: every tile view writes one
    entry, and sqlite-utils would first look the table up in sqlite_master.
    """
    row = (team_id, actor.user, utcnow(), action, target,
           json.dumps(detail or {}, sort_keys=True, default=str), actor.source,
           actor.address)  # fmt: skip
    if db.conn.in_transaction:  # part of the caller's change: written, or undone, with it
        db.execute(log_buffer.INSERT, row)
    else:  # never fails the caller: kept for a moment when the store is busy or full
        log_buffer.write_or_keep(db, row)
    _recorded.set(_recorded.get() + 1)


def _where(action, username, token, since, until, before, after) -> tuple[str, list]:
    where, params = [], []
    for clause, value in (
        ("a.action = ?", action),
        ("a.user_id in (select id from users where username = ?)", username),
        ("a.target = ?", token),
        ("a.at >= ?", since.isoformat() if since else None),
        ("a.at < ?", (until + timedelta(days=1)).isoformat() if until else None),
        ("a.id < ?", before),
        ("a.id > ?", after),
    ):
        if value:
            where.append(clause)
            params.append(value)
    return "".join(f" and {w}" for w in where), params


def _page(db: Database, team: dict, limit: int, *, newest_first: bool, **filters) -> list[dict]:
    """One page of the team's entries by keyset (``before``/``after`` an id).

    Entries of no team (a failed log-in under an unknown name, a command run on the
    server) are shown to every team's admins: they are about the service itself. Each
    of the two kinds is read newest (or oldest) first along the ``audit(team_id, id)``
    index and only ``limit`` of each are merged, so a page costs the same whatever the
    size of the log.
    """
    where, params = _where(**filters)
    order = "desc" if newest_first else "asc"
    arm = "select * from (select a.id from audit a where a.team_id {who}{where} " \
          "order by a.id {order} limit ?)"  # fmt: skip
    sql = f"""select a.*, u.username, f.initials as code from (
                {arm.format(who="= ?", where=where, order=order)}
                union all
                {arm.format(who="is null", where=where, order=order)}
              ) k join audit a on a.id = k.id
              left join users u on u.id = a.user_id
              left join families f on f.token = a.target and f.team_id = a.team_id
              order by a.id {order} limit ?"""
    rows = db.query(sql, [team["id"], *params, limit, *params, limit, limit])
    return [{**row, "detail": json.loads(row["detail"] or "{}")} for row in rows]


def entries(
    db: Database,
    team: dict,
    *,
    action: str | None = None,
    username: str | None = None,
    token: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 200,
    before: int | None = None,
) -> list[dict]:
    """The team's newest entries first (``limit`` of them, older than id ``before``),
    with the user's name, the board code of the family it is about (``code``, None for
    a scan or a log-in) and ``detail`` decoded; filtered by action, user name, family
    (tile token) and dates (inclusive, UTC)."""
    filters = dict(action=action, username=username, token=token, since=since, until=until)
    return _page(db, team, limit, newest_first=True, before=before, after=None, **filters)


def iter_entries(db: Database, team: dict, *, chunk: int = 1000, **filters) -> Iterator[dict]:
    """Every entry matching ``filters`` (as :func:`entries`), oldest first, read a chunk
    at a time so the whole log is never held in memory."""
    after = None
    while True:
        rows = _page(db, team, chunk, newest_first=False, before=None, after=after, **filters)
        yield from rows
        if len(rows) < chunk:
            return
        after = rows[-1]["id"]


def csv_lines(db: Database, team: dict, **filters) -> Iterator[str]:
    """The entries matching ``filters``, oldest first, as CSV text a line at a time (for
    a streamed download)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in iter_entries(db, team, **filters):
        values = {**row, "detail": json.dumps(row["detail"], sort_keys=True)}
        writer.writerow([_cell(values.get(c)) for c in CSV_COLUMNS])
        if out.tell() > 64 * 1024:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def entries_csv(db: Database, team: dict, **filters) -> str:
    """Every entry matching ``filters`` (as :func:`entries`), oldest first, as CSV."""
    return "".join(csv_lines(db, team, **filters))


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
