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
from webapp.errors import BadInput
from webapp.practice.supervision import (
    add_discussion,
    coverage,
    discussions,
    flagged_records,
    mark_leave,
    mark_recorded,
    parse_month,
    set_frequency,
)
from webapp.practice.supervision_leave import add_absence, add_supervisor_session
from webapp.rules.defaults import DISCUSSION_KINDS, FREQUENCIES, SUGGESTED_CLOSER
from webapp.values.actor import Actor
from webapp.values.workdays import month_bounds

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
        actor=Actor.cli(),
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
        for d in found:
            d["record_due_text"] = f"{d['record_due_day'][:3]} {d['record_due']}"
            if d["kind"] != "one-to-one":
                d["kind"] += " (not counted)"
        echo_table(
            found,
            [
                ("id", "ID"),
                ("on_date", "DATE"),
                ("token", "TOKEN"),
                ("initials", "CODE"),
                ("kind", "KIND"),
                ("who", "WHO"),
                ("record_due_text", "RECORD DUE"),
                ("record_status", "RECORD"),
            ],
        )


@click.group("supervision", cls=CaseboardGroup, invoke_without_command=True)
@db_option
@team_option
@json_option
@click.option("--month", help="YYYY-MM (default this month).")
@date_option
@click.pass_context
def supervision(ctx, db_path, team_name, as_json, month, on):
    """Monthly coverage: open cases without a formal one-to-one this month, and each
    practitioner's own sessions against their frequency."""
    if ctx.invoked_subcommand:
        return
    db, team = store_and_team(db_path, team_name)
    today = day(team, on)
    year, mon = parse_month(month) if month else (today.year, today.month)
    report = coverage(db, team, year, mon, as_of=today)
    if as_json:
        echo_json(report)
        return
    click.echo(
        f"{report['month']} to {report['to']}: {report['discussed']} of {report['cases']} "
        f"open cases had a formal one-to-one ({report['percent']}%)"
    )
    echo_table(
        [
            {**w, "not_yet": " ".join(m["initials"] for m in w["missing"])}
            for w in report["workers"]
        ],
        [
            ("worker", "PRACTITIONER"),
            ("cases", "CASES"),
            ("discussed", "ONE-TO-ONE"),
            ("not_yet", "NOT YET"),
        ],
    )
    click.echo("")
    echo_table(
        [
            {
                **p,
                "had": f"{len(p['sessions'])} of {p['needed']}",
                "prompt": (p["on_return"] or {}).get("prompt") or "",
            }
            for p in report["practitioners"]
        ],
        [
            ("worker", "PRACTITIONER"),
            ("frequency", "FREQUENCY"),
            ("had", "SESSIONS"),
            ("status", "THIS MONTH"),
            ("prompt", "ON RETURN"),
        ],
    )
    if report["supervisors"]:
        click.echo("")
        echo_table(
            [{**s, "had": " ".join(s["sessions"])} for s in report["supervisors"]],
            [("name", "SUPERVISOR"), ("had", "SUPERVISED BY TM"), ("status", "THIS MONTH")],
        )


@supervision.command("frequency")
@db_option
@team_option
@click.argument("name")
@click.argument("frequency", type=click.Choice(list(FREQUENCIES)))
@click.option("--note", help=f"Why, e.g. ASYE or probation ({SUGGESTED_CLOSER} suggested).")
def supervision_frequency(db_path, team_name, name, frequency, note):
    """Set how often practitioner NAME needs a formal one-to-one."""
    db, team = store_and_team(db_path, team_name)
    record = set_frequency(db, team, name, frequency, note)
    click.echo(f"{record['name']}: {record['frequency']}")


@supervision.command("leave")
@db_option
@team_option
@click.argument("name")
@click.option("--month", help="YYYY-MM: away the whole month.")
@click.option("--from", "starts", help="First day away (YYYY-MM-DD).")
@click.option("--to", "ends", help="Last day away (YYYY-MM-DD).")
@click.option("--reason", help="e.g. annual leave, sickness.")
def supervision_leave(db_path, team_name, name, month, starts, ends, reason):
    """Record that practitioner NAME was on leave: a whole month, or --from and --to.
    Supervision is then owed "as a priority" when they return."""
    db, team = store_and_team(db_path, team_name)
    if month and not (starts or ends):
        record = mark_leave(db, team, name, month, reason=reason)
        click.echo(f"{record['name']} on leave in {record['month']}")
        return
    if month or not (starts and ends):
        raise BadInput("give either --month, or --from and --to")
    record = add_absence(db, team, name, starts=starts, ends=ends, reason=reason)
    click.echo(f"{record['name']} on leave {record['starts']} to {record['ends']}")


@supervision.command("supervisor")
@db_option
@team_option
@click.argument("name")
@click.option("--date", "on", help="Day of the supervision (default today).")
@click.option("--note", help="A short note (no personal detail).")
def supervision_supervisor(db_path, team_name, name, on, note):
    """Record the team manager's monthly supervision of deputy or practice supervisor NAME."""
    db, team = store_and_team(db_path, team_name)
    record = add_supervisor_session(db, team, name, on=day(team, on), note=note, actor=Actor.cli())
    click.echo(f"{record['name']} supervised by the team manager on {record['on_date']}")
