"""`caseboard init`."""

import click

from webapp.cases.teams import ensure_team, team_count
from webapp.cli.common import db_option, open_cli_store

FIRST_TEAM = "Team"


@click.command("init")
@db_option
@click.option("--team", "team_name", help="Create this team (with its six boards) if missing.")
def init(db_path, team_name):
    """Create or migrate the store; safe to run twice."""
    db = open_cli_store(db_path, create=True)
    if team_name:
        team = ensure_team(db, team_name)
    elif not team_count(db):
        team = ensure_team(db, FIRST_TEAM)
    else:
        team = None
    teams = team_count(db)
    click.echo(f"store ready: {db_path} ({teams} team{'s' if teams != 1 else ''})")
    if team:
        click.echo(f"team: {team['name']}")
