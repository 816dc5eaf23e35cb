"""`caseboard agenda`: the weekly Case Progression meeting agenda."""

from pathlib import Path

import click

from webapp.cases.agenda import build_agenda
from webapp.cases.families import parse_date
from webapp.cases.meetings import next_meeting_date, since_date
from webapp.cases.teams import get_team
from webapp.cli.common import (
    CliError,
    db_option,
    echo_json,
    echo_table,
    json_option,
    open_cli_store,
)

TABLE_COLUMNS = [
    ("reason", "REASON"),
    ("initials", "CODE"),
    ("token", "TOKEN"),
    ("stage", "STAGE"),
    ("next_review", "REVIEW"),
    ("status", "STATUS"),
    ("worker", "WORKER"),
    ("summary", "WHY"),
]


@click.command("agenda")
@db_option
@json_option
@click.option("--team", "team_name", help="Team name (default: the only team).")
@click.option("--date", "on", help="Meeting date, YYYY-MM-DD (default: this week's meeting).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the agenda as a PDF to this file.",
)
def agenda(db_path, as_json, team_name, on, out):
    """The weekly meeting agenda: red, amber, alerts, moved, new and requested tiles."""
    if as_json and out:
        raise CliError("choose one of --json and --out")
    db = open_cli_store(db_path)
    team = get_team(db, team_name)
    on = parse_date(on, "--date") if on else next_meeting_date(team)
    items = build_agenda(db, team, on)
    if as_json:
        echo_json(items)
    elif out:
        from printables.agenda import write_agenda_pdf

        if not out.parent.is_dir():
            raise CliError(f"no folder {out.parent} to write {out.name} into")
        write_agenda_pdf(items, out, team_name=team["name"], on=on, since=since_date(db, team, on))
        click.echo(f"wrote the agenda for {on.isoformat()} ({len(items)} families) to {out}")
    else:
        click.echo(f"Agenda for {on:%A %d %B %Y} (changes since {since_date(db, team, on)})")
        echo_table(items, TABLE_COLUMNS)
