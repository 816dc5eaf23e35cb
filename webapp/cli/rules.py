"""`caseboard alerts`, `caseboard rules`: review triggers and the alerts they raise."""

from __future__ import annotations

from pathlib import Path

import click

from printables.output import atomic_output
from printables.report import write_drift_pdf

from ..alerts import add_manager_alert, follow_up, open_alerts
from ..audits import add_audit, audit_status
from ..clinic import (
    PURPOSES,
    add_action,
    book,
    complete_action,
    request_clinic,
    waiting_requests,
    week_bookings,
)
from ..families import parse_date
from ..reports import drift_report, report_csv
from ..rule_defaults import DISCUSSION_KINDS, SM
from ..rules import ROLES, holiday_region, set_holiday_region, team_rules, update_rule
from ..supervision import (
    add_discussion,
    coverage,
    discussions,
    flagged_records,
    mark_recorded,
    parse_month,
)
from ..teams import get_team, team_today
from ..workdays import month_bounds
from .common import (
    CaseboardGroup,
    CliError,
    db_option,
    echo_json,
    echo_table,
    json_option,
    open_cli_store,
    team_option,
)

date_option = click.option("--date", "on", help="The day to look at, YYYY-MM-DD (default today).")

ALERT_COLUMNS = [
    ("token", "TOKEN"),
    ("initials", "CODE"),
    ("due", "DUE"),
    ("role", "FOR"),
    ("key", "ALERT"),
    ("message", "WHAT"),
]
PUBLIC_ALERT = ("family_id",)


def store_and_team(db_path: str, team_name: str | None):
    db = open_cli_store(db_path)
    return db, get_team(db, team_name)


def day(team: dict, value: str | None):
    return parse_date(value, "--date") if value else team_today(team)


@click.group("alerts", cls=CaseboardGroup, invoke_without_command=True)
@db_option
@team_option
@json_option
@date_option
@click.pass_context
def alerts(ctx, db_path, team_name, as_json, on):
    """List the alerts open on a day: triggered on or before it and not followed up."""
    if ctx.invoked_subcommand:
        return
    db, team = store_and_team(db_path, team_name)
    found = open_alerts(db, team, day(team, on))
    found = [{k: v for k, v in a.items() if k not in PUBLIC_ALERT} for a in found]
    if as_json:
        echo_json(found)
    else:
        echo_table(found, ALERT_COLUMNS)


@alerts.command("follow-up")
@db_option
@team_option
@date_option
@click.argument("token")
@click.argument("key")
@click.option("--note", default="", help="What was done.")
def alerts_follow_up(db_path, team_name, on, token, key, note):
    """Record that alert KEY of the family TOKEN was followed up (this closes it)."""
    db, team = store_and_team(db_path, team_name)
    follow_up(db, team, token, key, on=day(team, on), note=note)
    click.echo(f"followed up {key} for {token.upper()}")


@alerts.command("add")
@db_option
@team_option
@json_option
@click.argument("token")
@click.option("--date", "on", required=True, help="When the alert should fire, YYYY-MM-DD.")
@click.option("--action", required=True, help='What to check, e.g. "request school information".')
@click.option("--timescale", help='e.g. "within two weeks".')
@click.option("--role", type=click.Choice(ROLES), default=SM, show_default=True)
def alerts_add(db_path, team_name, as_json, token, on, action, timescale, role):
    """Set a one-off manager alert on a family for a chosen date."""
    db, team = store_and_team(db_path, team_name)
    record = add_manager_alert(
        db, team, token, due_on=on, action=action, timescale=timescale, role=role
    )
    if as_json:
        echo_json(record)
    else:
        click.echo(f"alert manager:{record['id']} set for {record['due_on']}")


@click.group("rules", cls=CaseboardGroup)
def rules():
    """Show and change the team's review rules."""


@rules.command("list")
@db_option
@team_option
@json_option
def rules_list(db_path, team_name, as_json):
    """The team's rules, with the policy each comes from."""
    db, team = store_and_team(db_path, team_name)
    found = team_rules(db, team)
    if as_json:
        echo_json({"holiday_region": holiday_region(team), "rules": found})
        return
    for r in found:
        r["settings"] = ", ".join(f"{k}={v}" for k, v in r["params"].items())
        r["on"] = "on" if r["active"] else "off"
    echo_table(
        found,
        [("key", "RULE"), ("kind", "KIND"), ("role", "FOR"), ("settings", "SETTINGS"), ("on", "")],
    )


@rules.command("set")
@db_option
@team_option
@json_option
@click.argument("key")
@click.argument("settings", nargs=-1)
@click.option("--role", type=click.Choice(ROLES), help="Who the alert is for.")
@click.option("--on/--off", "active", default=None, help="Switch the rule on or off.")
def rules_set(db_path, team_name, as_json, key, settings, role, active):
    """Change a rule: SETTINGS are NAME=VALUE pairs, e.g. `rules set s31-sm first_weeks=36`."""
    db, team = store_and_team(db_path, team_name)
    params = {}
    for item in settings:
        name, sep, value = item.partition("=")
        if not sep:
            raise CliError(f"a setting is NAME=VALUE, not {item!r}")
        params[name.strip()] = value
    rule = update_rule(db, team, key, params=params, role=role, active=active)
    if as_json:
        echo_json(rule)
    else:
        click.echo(f"{rule['key']}: {rule['params']}")


@rules.command("region")
@db_option
@team_option
@click.argument("region", required=False)
def rules_region(db_path, team_name, region):
    """Show or set the bank-holiday region used for working-day deadlines."""
    db, team = store_and_team(db_path, team_name)
    if region:
        team = set_holiday_region(db, team, region)
    click.echo(holiday_region(team))


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
    if as_json:
        echo_json(record)
    else:
        click.echo(f"discussion {record['id']} recorded for {token.upper()} on {record['on_date']}")


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


# -- Case Progression Clinic (Terms of Reference) ---------------------------------------

purpose_option = click.option(
    "--for",
    "purpose",
    required=True,
    type=click.Choice(list(PURPOSES)),
    help="lpm (30 min) or pre-proceedings (45 min).",
)


@click.group("clinic", cls=CaseboardGroup)
def clinic():
    """The Thursday Case Progression Clinic: requests, slots, bookings, actions."""


@clinic.command("request")
@db_option
@team_option
@date_option
@purpose_option
@click.argument("token")
def clinic_request(db_path, team_name, on, purpose, token):
    """Flag a case for the clinic (LPM preparation or pre-proceedings)."""
    db, team = store_and_team(db_path, team_name)
    record = request_clinic(db, team, token, purpose, on=day(team, on))
    click.echo(f"{token.upper()} flagged for the clinic ({record['purpose']})")


@clinic.command("week")
@db_option
@team_option
@json_option
@date_option
def clinic_week(db_path, team_name, as_json, on):
    """The week's clinic: bookings with their actions, free slots, cases waiting."""
    db, team = store_and_team(db_path, team_name)
    week = week_bookings(db, team, day(team, on))
    week["waiting"] = waiting_requests(db, team)
    if as_json:
        echo_json(week)
        return
    click.echo(f"Clinic {week['day']} {week['opens']}-{week['closes']}")
    echo_table(
        week["bookings"],
        [
            ("id", "ID"),
            ("start", "START"),
            ("end", "END"),
            ("token", "TOKEN"),
            ("initials", "CODE"),
            ("label", "FOR"),
        ],
    )
    for purpose, slots in week["free"].items():
        click.echo(f"free for {purpose}: {', '.join(slots) or 'none'}")


@clinic.command("book")
@db_option
@team_option
@json_option
@purpose_option
@click.argument("token")
@click.option("--day", "on", required=True, help="The clinic Thursday, YYYY-MM-DD.")
@click.option("--start", required=True, help="HH:MM, from 14:00.")
def clinic_book(db_path, team_name, as_json, purpose, token, on, start):
    """Book a case into a clinic slot."""
    db, team = store_and_team(db_path, team_name)
    record = book(db, team, token, day=on, start=start, purpose=purpose)
    if as_json:
        echo_json(record)
    else:
        click.echo(
            f"booking {record['id']}: {record['day']} {record['start']} ({record['purpose']})"
        )


@clinic.command("action")
@db_option
@team_option
@click.argument("booking_id", type=int)
@click.option("--text", required=True, help="What is to be done.")
@click.option("--owner", required=True, help="Who does it.")
@click.option("--due", required=True, help="Due date, YYYY-MM-DD.")
def clinic_action(db_path, team_name, booking_id, text, owner, due):
    """Record an action agreed at a clinic session."""
    db, team = store_and_team(db_path, team_name)
    record = add_action(db, team, booking_id, text=text, owner=owner, due_on=due)
    click.echo(f"action {record['id']} due {record['due_on']}")


@clinic.command("done")
@db_option
@team_option
@date_option
@click.argument("action_id", type=int)
def clinic_done(db_path, team_name, on, action_id):
    """Mark a clinic action done."""
    db, team = store_and_team(db_path, team_name)
    complete_action(db, team, action_id, day(team, on))
    click.echo(f"action {action_id} done")


# -- meeting audits (Kent Case Progression Policy §11) -----------------------------------


@click.group("audit", cls=CaseboardGroup)
def audit():
    """Record audits of the Case Progression meeting (due every two months)."""


@audit.command("add")
@db_option
@team_option
@date_option
@click.option("--auditor", required=True, help="Who audited the meeting.")
@click.option("--note", help="A short note.")
def audit_add(db_path, team_name, on, auditor, note):
    """Record that the team's meeting was audited."""
    db, team = store_and_team(db_path, team_name)
    record = add_audit(db, team, on=day(team, on), auditor=auditor, note=note)
    click.echo(f"audit recorded on {record['audited_on']}")


@audit.command("status")
@db_option
@team_option
@json_option
@date_option
def audit_status_command(db_path, team_name, as_json, on):
    """When the meeting was last audited, and whether the next audit is due."""
    db, team = store_and_team(db_path, team_name)
    status = audit_status(db, team, day(team, on))
    if as_json:
        echo_json(status)
    elif status["last_audit"] is None:
        click.echo("the meeting has never been audited: audit it now")
    else:
        due = "DUE NOW" if status["prompt"] else "next due"
        click.echo(
            f"last audit {status['last_audit']} ({status['auditor']}); {due} {status['next_due']}"
        )


# -- drift and quality report (Kent Case Progression Policy §11) -------------------------


@click.group("report", cls=CaseboardGroup)
def report():
    """Reports for managers and auditors."""


@report.command("drift")
@db_option
@team_option
@json_option
@date_option
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Write FILE.pdf or FILE.csv.")
@click.option("--weeks", default=52, show_default=True, type=click.IntRange(4, 260))
@click.option("--sample", type=click.IntRange(0, 500), help="Dip sample size (default: team rule).")
@click.option("--seed", type=int, help="Dip sample seed (default: team rule).")
def report_drift(db_path, team_name, as_json, on, out, weeks, sample, seed):
    """The drift and quality report: overdue over time, time in stage, stuck cases,
    moves per week, reopened cases, a dip sample of closed cases, the last audit."""
    if out and as_json:
        raise CliError("use either --json or --out, not both")
    suffix = Path(out).suffix.lower() if out else None
    if out and suffix not in (".pdf", ".csv"):
        raise CliError(f"--out must end in .pdf or .csv, not {out!r}")
    if out and not Path(out).resolve().parent.is_dir():
        raise CliError(f"the folder for {out} does not exist")
    db, team = store_and_team(db_path, team_name)
    data = drift_report(db, team, day(team, on), weeks=weeks, sample=sample, seed=seed)
    if as_json:
        echo_json(data)
    elif suffix == ".pdf":
        write_drift_pdf(data, out)
        click.echo(f"wrote {out}")
    elif suffix == ".csv":
        write_text_atomic(Path(out), report_csv(data))
        click.echo(f"wrote {out}")
    else:
        s = data["summary"]
        click.echo(
            f"{data['team']} on {data['on']}: {s['open']} open, {s['red']} overdue, "
            f"{s['amber']} amber, {s['stuck']} stuck, {s['open_alerts']} open alerts, "
            f"{s['moves_last_4_weeks']} moves in 4 weeks, {s['supervision_percent']}% discussed "
            f"this month, {len(data['reopened'])} reopened within "
            f"{data['reopen_window_months']} months"
        )
        audit = data["audit"]
        if audit["prompt"]:
            click.echo(f"meeting audit due (last: {audit['last_audit'] or 'never'})")


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all."""
    with atomic_output(path, text=True) as fh:
        fh.write(text)
