"""`caseboard init`."""

import click

from tilegen.payload import normalise_base_url
from webapp.accounts.teams import ensure_team, set_setting, team_count
from webapp.cli.common import CliError, db_option, open_cli_store

FIRST_TEAM = "Team"


@click.command("init")
@db_option
@click.option("--team", "team_name", help="Create this team (with its six boards) if missing.")
@click.option(
    "--base-url",
    help="The public address printed into tile QR codes, e.g. https://caseboard.example.gov.uk.",
)
def init(db_path, team_name, base_url):
    """Create or migrate the store; safe to run twice."""
    if base_url is not None:
        try:
            base_url = normalise_base_url(base_url)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    db = open_cli_store(db_path, create=True)
    if base_url:
        set_setting(db, "base_url", base_url)
        click.echo(f"public base URL: {base_url}")
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
