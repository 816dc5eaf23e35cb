"""`caseboard agenda`: the weekly Case Progression meeting agenda."""

from datetime import timedelta
from pathlib import Path

import click

from webapp.accounts.teams import get_team
from webapp.accounts.users import get_user
from webapp.cases.meetings import (
    authorise_record,
    meeting_record,
    next_meeting_date,
    record_meeting,
    since_date,
    weeks_without_meeting,
)
from webapp.cli.common import (
    CaseboardGroup,
    CliError,
    date_option,
    day,
    db_option,
    echo_json,
    echo_result,
    echo_table,
    json_option,
    open_cli_store,
    store_and_team,
    team_option,
)
from webapp.meeting.agenda import build_agenda
from webapp.values.actor import Actor
from webapp.values.dates import parse_date

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


# -- the meeting record (Kent Case Progression Policy §6, §8, §9) -------------------------


@click.group("meeting", cls=CaseboardGroup)
def meeting():
    """The record of a weekly meeting: who came, agreed absences, facilitator, authorisation."""


@meeting.command("record")
@db_option
@team_option
@json_option
@click.option("--date", "on", help="Meeting date, YYYY-MM-DD (default: this week's meeting).")
@click.option("--attended", required=True, help="Comma-separated names of those present.")
@click.option("--absent", default="", help="Comma-separated names whose absence was agreed.")
@click.option("--facilitator", help="Who facilitated the meeting.")
@click.option("--administrator", help="The administrator who wrote the record.")
def meeting_record_command(
    db_path, team_name, as_json, on, attended, absent, facilitator, administrator
):
    """Record who attended the meeting, agreed absences, the facilitator and administrator."""
    db, team = store_and_team(db_path, team_name)
    on = parse_date(on, "--date") if on else next_meeting_date(team)
    record = record_meeting(
        db,
        team,
        on,
        attended=attended,
        absent=absent,
        facilitator=facilitator,
        administrator=administrator,
        actor=Actor.cli(),
    )
    echo_result(record, as_json, f"meeting of {record['date']} recorded")


@meeting.command("authorise")
@db_option
@team_option
@click.option("--date", "on", required=True, help="Meeting date, YYYY-MM-DD.")
@click.option("--by", "username", required=True, help="The team manager's user name.")
def meeting_authorise(db_path, team_name, on, username):
    """The team manager authorises the wording of the administrator's record."""
    db, team = store_and_team(db_path, team_name)
    record = authorise_record(db, team, parse_date(on, "--date"), get_user(db, username))
    click.echo(f"record of {record['date']} authorised by {record['authorised_by']}")


@meeting.command("show")
@db_option
@team_option
@json_option
@click.option("--date", "on", required=True, help="Meeting date, YYYY-MM-DD.")
def meeting_show(db_path, team_name, as_json, on):
    """The record of one meeting."""
    db, team = store_and_team(db_path, team_name)
    record = meeting_record(db, team, parse_date(on, "--date"))
    if record is None:
        raise CliError(f"no meeting was recorded on {on}")
    if as_json:
        echo_json(record)
        return
    for key in ("date", "facilitator", "administrator", "authorised_by"):
        click.echo(f"{key.replace('_', ' ')}: {record[key] or '-'}")
    click.echo(f"attended: {', '.join(record['attended']) or '-'}")
    click.echo(f"agreed absences: {', '.join(record['agreed_absences']) or '-'}")


@meeting.command("gaps")
@db_option
@team_option
@json_option
@date_option
@click.option("--weeks", default=12, show_default=True, type=click.IntRange(1, 260))
def meeting_gaps(db_path, team_name, as_json, on, weeks):
    """Finished weeks with no meeting recorded (Monday of each)."""
    db, team = store_and_team(db_path, team_name)
    today = day(team, on)
    found = weeks_without_meeting(db, team, today - timedelta(weeks=weeks), today)
    if as_json:
        echo_json(found)
    else:
        click.echo("\n".join(f"no meeting in the week of {m}" for m in found) or "(none)")
