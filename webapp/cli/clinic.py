"""`caseboard clinic`: the Thursday Case Progression Clinic."""

from __future__ import annotations

import click

from webapp.accounts.teams import team_settings, team_today
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
    store_and_team,
    team_option,
)
from webapp.practice.clinic import (
    DOCUMENT,
    DOCUMENTS,
    NOTE,
    NOTE_RECIPIENTS,
    PURPOSES,
    add_action,
    book,
    complete_action,
    set_service,
    tick,
    waiting_requests,
    week_bookings,
)
from webapp.practice.clinic_audit import quarterly_report, record_legal_step
from webapp.practice.clinic_policy import record_attendance, request
from webapp.values.actor import Actor

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
    record = request(db, team, token, purpose, on=day(team, on), actor=Actor.cli())
    click.echo(f"{token.upper()} flagged for the clinic ({record['purpose']})")
    if record["warning"]:
        click.echo(f"warning: {record['warning']}", err=True)


@clinic.command("week")
@db_option
@team_option
@json_option
@date_option
def clinic_week(db_path, team_name, as_json, on):
    """The week's clinic: bookings with their actions, free slots, cases waiting."""
    db, team = store_and_team(db_path, team_name)
    week = week_bookings(db, team, day(team, on), today=team_today(team))
    week["waiting"] = waiting_requests(db, team)
    if as_json:
        echo_json(week)
        return
    click.echo(f"Clinic {week['day']} {week['opens']}-{week['closes']} (the whole service)")
    if week["closed_because"]:
        click.echo(f"no booking possible: {week['closed_because']}")
    for b in week["bookings"]:
        if b["other_team"]:
            b["initials"], b["token"] = "(another team)", ""
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
@click.option("--day", "clinic_day", required=True, help="The clinic Thursday, YYYY-MM-DD.")
@click.option("--start", required=True, help="HH:MM, one of the free slots (`clinic week`).")
@date_option
def clinic_book(db_path, team_name, as_json, purpose, token, clinic_day, start, on):
    """Book a case into a free slot of the service's clinic. Overlaps, past days,
    other weekdays and bank holidays are refused with the reason (exit 2)."""
    db, team = store_and_team(db_path, team_name)
    record = book(
        db,
        team,
        token,
        day=clinic_day,
        start=start,
        purpose=purpose,
        today=day(team, on),
        actor=Actor.cli(),
    )
    line = f"booking {record['id']}: {record['day']} {record['start']} ({record['purpose']})"
    echo_result(record, as_json, line)


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


@clinic.command("tick")
@db_option
@team_option
@date_option
@click.argument("booking_id", type=int)
@click.option("--document", help="; ".join(sum(DOCUMENTS.values(), [])))
@click.option("--note-sent-to", "recipient", help="; ".join(NOTE_RECIPIENTS))
def clinic_tick(db_path, team_name, on, booking_id, document, recipient):
    """Tick a document as ready, or the case note as sent to a recipient."""
    if bool(document) == bool(recipient):
        raise CliError("give one of --document and --note-sent-to")
    db, team = store_and_team(db_path, team_name)
    kind, item = (DOCUMENT, document) if document else (NOTE, recipient)
    record = tick(db, team, booking_id, kind, item, on=day(team, on), actor=Actor.cli())
    click.echo(f"booking {booking_id}: {record['item']} ticked on {record['done_on']}")


@clinic.command("went")
@db_option
@team_option
@date_option
@purpose_option
@click.argument("token")
def clinic_went(db_path, team_name, on, purpose, token):
    """Record that a case went to an LPM or into pre-proceedings."""
    db, team = store_and_team(db_path, team_name)
    record = record_legal_step(db, team, token, purpose, on=day(team, on), actor=Actor.cli())
    click.echo(f"{token.upper()}: {record['kind']} on {record['on_date']}")


@clinic.command("attended")
@db_option
@team_option
@click.argument("booking_id", type=int)
@click.option("--social-worker", is_flag=True, help="The social worker came.")
@click.option("--team-manager", is_flag=True, help="The team manager came.")
def clinic_attended(db_path, team_name, booking_id, social_worker, team_manager):
    """Record who came to a clinic session ("the social worker and team manager attend
    together", Clinic ToR §5)."""
    db, team = store_and_team(db_path, team_name)
    seen = record_attendance(
        db, team, booking_id, social_worker=social_worker, team_manager=team_manager
    )
    who = "together" if seen["together"] else "social worker" if social_worker else (
        "team manager" if team_manager else "nobody")  # fmt: skip
    click.echo(f"booking {booking_id}: attended by {who}")


@clinic.command("report")
@db_option
@team_option
@json_option
@click.option("--quarter", required=True, help="YYYY-Qn, e.g. 2026-Q4.")
def clinic_report(db_path, team_name, as_json, quarter):
    """Quarterly check: every case that went to an LPM or pre-proceedings came through
    the clinic first."""
    db, team = store_and_team(db_path, team_name)
    report = quarterly_report(db, team, quarter)
    if as_json:
        echo_json(report)
        return
    click.echo(
        f"{report['quarter']}: {report['through_clinic']} of {report['total']} cases "
        "came through the clinic first"
    )
    echo_table(
        report["cases"],
        [
            ("on", "DATE"),
            ("initials", "CODE"),
            ("token", "TOKEN"),
            ("kind", "WENT TO"),
            ("clinic_day", "CLINIC"),
            ("through_clinic", "FIRST"),
        ],
    )
    if report["s31_without_lpm"]:
        codes = " ".join(c["initials"] for c in report["s31_without_lpm"])
        click.echo(f"s.31 cases with no LPM recorded: {codes}")


@clinic.command("service")
@db_option
@team_option
@click.argument("service", required=False)
def clinic_service(db_path, team_name, service):
    """Show or set the team's service: teams of one service share one clinic calendar."""
    db, team = store_and_team(db_path, team_name)
    if service is not None:
        team = set_service(db, team, service)
    click.echo(team_settings(team).get("service") or "(one calendar for every team)")
