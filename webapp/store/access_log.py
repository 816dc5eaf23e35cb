"""The access log: who read which case's data, who changed what, who logged in.

Plain library code (no Flask): the views and commands pass the user, the source and
the client address. Every entry goes through :func:`record`, the one place that
writes it (so it can later be batched). Admins read and filter it on the audit page
and export it as CSV for a data-protection request.

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
from contextvars import ContextVar
from datetime import date, timedelta

from sqlite_utils import Database

from webapp.store.connection import utcnow

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
    user_id: int | None,
    action: str,
    target: str | None = None,
    detail: dict | None = None,
    *,
    source: str = "web",
    ip: str | None = None,
) -> None:
    """Append one entry (in the caller's transaction, if any).

    Plain SQL rather than ``db["audit"].insert``: every tile view writes one
    entry, and sqlite-utils would first look the table up in sqlite_master.
    """
    row = (team_id, user_id, utcnow(), action, target,
           json.dumps(detail or {}, sort_keys=True, default=str), source, ip)  # fmt: skip
    sql = """insert into audit (team_id, user_id, at, action, target, detail, source, ip)
             values (?, ?, ?, ?, ?, ?, ?, ?)"""
    with db.atomic():  # the caller's transaction (a savepoint), or a short one of its own
        db.execute(sql, row)
    _recorded.set(_recorded.get() + 1)


def _where(team, action, username, token, since, until, before) -> tuple[str, list]:
    # Entries of no team (a failed log-in under an unknown name, a command run on the
    # server) are shown to every team's admins: they are about the service itself.
    where, params = ["(a.team_id = ? or a.team_id is null)"], [team["id"]]
    for clause, value in (
        ("a.action = ?", action),
        ("u.username = ?", username),
        ("a.target = ?", token),
        ("a.at >= ?", since.isoformat() if since else None),
        ("a.at < ?", (until + timedelta(days=1)).isoformat() if until else None),
        ("a.id < ?", before),
    ):
        if value:
            where.append(clause)
            params.append(value)
    return " and ".join(where), params


def entries(
    db: Database,
    team: dict,
    *,
    action: str | None = None,
    username: str | None = None,
    token: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = 200,
    before: int | None = None,
) -> list[dict]:
    """The team's newest entries first, with the user's name, the board code of the
    family it is about (``code``, None for a scan or a log-in) and ``detail`` decoded;
    filtered by action, user name, family (tile token) and dates (inclusive, UTC)."""
    where, params = _where(team, action, username, token, since, until, before)
    rows = db.query(
        f"""select a.*, u.username, f.initials as code from audit a
            left join users u on u.id = a.user_id
            left join families f on f.token = a.target and f.team_id = a.team_id
            where {where} order by a.id desc {"limit ?" if limit else ""}""",
        [*params, limit] if limit else params,
    )
    return [{**row, "detail": json.loads(row["detail"] or "{}")} for row in rows]


def entries_csv(db: Database, team: dict, **filters) -> str:
    """Every entry matching ``filters`` (as :func:`entries`), oldest first, as CSV."""
    rows = reversed(entries(db, team, limit=None, **filters))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        values = {**row, "detail": json.dumps(row["detail"], sort_keys=True)}
        writer.writerow([_cell(values.get(c)) for c in CSV_COLUMNS])
    return out.getvalue()


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
