"""`caseboard discussion`, `caseboard supervision`: the monthly supervision cadence."""

from __future__ import annotations

import click

from webapp.cli.common import (
    CaseboardGroup,
    date_option,
    day,
    db_option,
    echo_json,
    echo_result,
    echo_table,
    json_option,
    store_and_team,
    team_option,
)
from webapp.rules.defaults import DISCUSSION_KINDS
from webapp.rules.supervision import (
    add_discussion,
    coverage,
    discussions,
    flagged_records,
    mark_recorded,
    parse_month,
)
from webapp.rules.workdays import month_bounds

# -- supervision (Islington Case Management Supervision Policy) ----------------------


@click.group("discussion", cls=CaseboardGroup)
def discussion():
    """Record case discussions (supervision) and when their records were written."""


@discussion.command("add")
@db_option
@team_option
@json_option
@click.argument("token")
@click.option("--kind", required=True, help="; ".join(DISCUSSION_KINDS))
@click.option("--date", "on", help="Day of the discussion (default today).")
@click.option("--who", help="Who took part.")
@click.option("--significant", is_flag=True, help="A significant decision: record due in 24 h.")
@click.option("--recorded", help="Day the record was written, if it has been.")
@click.option("--note", help="A short note (no personal detail).")
def discussion_add(db_path, team_name, as_json, token, kind, on, who, significant, recorded, note):
    """Record that a case was discussed."""
    db, team = store_and_team(db_path, team_name)
    record = add_discussion(
        db,
        team,
        token,
        on=day(team, on),
        kind=kind,
        who=who,
        significant=significant,
        recorded_on=recorded,
        note=note,
    )
    line = f"discussion {record['id']} recorded for {token.upper()} on {record['on_date']}"
    echo_result(record, as_json, line)


@discussion.command("recorded")
@db_option
@team_option
@click.argument("discussion_id", type=int)
@click.option("--date", "on", help="Day the record was written (default today).")
def discussion_recorded(db_path, team_name, discussion_id, on):
    """Note that the supervision record of a discussion has been written."""
    db, team = store_and_team(db_path, team_name)
    mark_recorded(db, team, discussion_id, day(team, on))
    click.echo(f"discussion {discussion_id} recorded")


@discussion.command("list")
@db_option
@team_option
@json_option
@click.option("--month", help="YYYY-MM (default this month).")
@click.option("--flagged", is_flag=True, help="Only records overdue or written late.")
@date_option
def discussion_list(db_path, team_name, as_json, month, flagged, on):
    """Discussions of a month with the status of their records (5 working days / 24 h)."""
    db, team = store_and_team(db_path, team_name)
    today = day(team, on)
    year, mon = parse_month(month) if month else (today.year, today.month)
    first, last = month_bounds(year, mon)
    if flagged:
        found = flagged_records(db, team, today)
    else:
        found = discussions(db, team, start=first, end=min(last, today), today=today)
    if as_json:
        echo_json(found)
    else:
        echo_table(
            found,
            [
                ("id", "ID"),
                ("on_date", "DATE"),
                ("token", "TOKEN"),
                ("initials", "CODE"),
                ("kind", "KIND"),
                ("who", "WHO"),
                ("record_due", "RECORD DUE"),
                ("record_status", "RECORD"),
            ],
        )


@click.command("supervision")
@db_option
@team_option
@json_option
@click.option("--month", help="YYYY-MM (default this month).")
@date_option
def supervision(db_path, team_name, as_json, month, on):
    """Monthly coverage: open cases not yet discussed this month, per practitioner."""
    db, team = store_and_team(db_path, team_name)
    today = day(team, on)
    year, mon = parse_month(month) if month else (today.year, today.month)
    report = coverage(db, team, year, mon, as_of=today)
    if as_json:
        echo_json(report)
        return
    click.echo(
        f"{report['month']} to {report['to']}: {report['discussed']} of {report['cases']} "
        f"open cases discussed ({report['percent']}%)"
    )
    echo_table(
        [
            {**w, "not_yet": " ".join(m["initials"] for m in w["missing"])}
            for w in report["workers"]
        ],
        [
            ("worker", "PRACTITIONER"),
            ("cases", "CASES"),
            ("discussed", "DISCUSSED"),
            ("not_yet", "NOT YET"),
        ],
    )
