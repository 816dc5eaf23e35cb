"""What every `caseboard` command shares: the --db option, errors, JSON output."""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import sys

import click

from webapp.errors import CaseboardError
from webapp.values.actor import Actor

# The store (sqlite-utils, which imports numpy) is imported by the functions that open
# it, so `caseboard --help` and a command's --help start in a fraction of a second.

DEFAULT_DB = "caseboard.db"


class CliError(click.ClickException):
    """One clear line on stderr and exit status 2 (bad argument or bad input)."""

    exit_code = 2


class CaseboardGroup(click.Group):
    """A click group that turns the library's specific errors into one-line messages."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except CaseboardError as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:  # a folder that is not there, a file that cannot be written
            raise CliError(str(exc)) from None
        except OverflowError:  # an id of 2^63 or more, a date past the calendar
            raise CliError("a number given is too large") from None
        except sqlite3.DatabaseError as exc:
            raise click.ClickException(f"the store could not be used: {exc}") from None


def default_db_path() -> str:
    return os.environ.get("CASEBOARD_DB") or DEFAULT_DB


db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=default_db_path,
    help="Store file (default: $CASEBOARD_DB or ./caseboard.db).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
team_option = click.option("--team", "team_name", help="Team name (default: the only team).")


def open_cli_store(db_path: str, *, create: bool = False):
    """Open the store for the running command, closed when the command ends (as
    sqlite-utils does); a missing store is a clear error, not a traceback.

    When the command ends, it leaves an entry in the access log (see
    :func:`log_command`): what ran, with which arguments, and whether it changed the store.
    """
    from webapp.store import access_log
    from webapp.store.connection import open_store

    db = open_store(db_path, create=create)
    ctx = click.get_current_context()
    start = (db.conn.total_changes, access_log.recorded())

    def close():
        try:
            log_command(db, ctx, *start)
        finally:
            db.close()

    ctx.call_on_close(close)
    return db


#: Commands that show no case data and change none (or manage the store itself).
NOT_LOGGED = {"init", "serve", "demo"}


def log_command(db, ctx: click.Context, changes_before: int, recorded_before: int) -> None:
    """An access-log entry for a command that read or changed case data, unless the
    library already wrote a named one (a scan applied, ...)."""
    from webapp.store import access_log

    names, node = [], ctx
    while node.parent is not None:  # every level but the program itself
        names.insert(0, node.info_name)
        node = node.parent
    name = " ".join(names)
    if name in NOT_LOGGED or access_log.recorded() != recorded_before:
        return
    changed = db.conn.total_changes > changes_before
    params = {
        k: (" ".join(map(str, v)) if isinstance(v, list | tuple) else v)
        for k, v in ctx.params.items()
        if k != "db_path" and "password" not in k and v not in (None, False, (), [])
    }
    detail = {"command": name, **{k: str(v)[:100] for k, v in params.items()}}
    detail["os_user"] = _os_user()
    token = str(params.get("token") or params.get("tokens") or "").split(" ")[0] or None
    team_id = _team_id(db, params.get("team_name"), token)
    action = access_log.CHANGE if changed else access_log.READ
    access_log.record(db, team_id, action, token, detail, actor=Actor.cli())


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


def _team_id(db, team_name: str | None, token: str | None) -> int | None:
    """The team a command worked on: its family's, the one named, or the only one."""
    from webapp.accounts.teams import get_team

    if token:
        row = db.execute("select team_id from families where token = ?", [token.upper()])
        found = row.fetchone()
        if found:
            return found[0]
    try:
        return get_team(db, team_name)["id"]
    except CaseboardError:
        return None


def echo_json(value) -> None:
    click.echo(json.dumps(value, indent=2, default=str))


def echo_result(value, as_json: bool, line: str) -> None:
    """What a command made or changed: ``value`` as JSON with --json, else one ``line``."""
    if as_json:
        echo_json(value)
    else:
        click.echo(line)


def echo_table(rows: list[dict], columns: list[tuple[str, str]]) -> None:
    """A plain fixed-width table: ``columns`` is a list of (key, heading)."""
    if not rows:
        click.echo("(none)")
        return
    cells = [[("" if r.get(k) is None else str(r.get(k))) for k, _ in columns] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (_, h) in enumerate(columns)]
    click.echo("  ".join(h.ljust(w) for (_, h), w in zip(columns, widths, strict=True)))
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def read_stdin_line() -> str:
    return sys.stdin.readline().rstrip("\r\n")


date_option = click.option("--date", "on", help="The day to look at, YYYY-MM-DD (default today).")


def store_and_team(db_path: str, team_name: str | None):
    """The store and the team a command works on."""
    from webapp.accounts.teams import get_team

    db = open_cli_store(db_path)
    return db, get_team(db, team_name)


def day(team: dict, value: str | None):
    """``--date`` as a date, or today in the team's time zone."""
    from webapp.accounts.teams import team_today
    from webapp.values.dates import parse_date

    return parse_date(value, "--date") if value else team_today(team)
