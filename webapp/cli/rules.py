"""`caseboard alerts`, `caseboard rules`: review triggers and the alerts they raise."""

from __future__ import annotations

import click

from webapp.accounts.roles import SM
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
from webapp.rules.alert_records import add_manager_alert, follow_up, record_interim_assessment
from webapp.rules.alerts import missed_reviews, open_alerts
from webapp.rules.team_rules import (
    ROLES,
    holiday_region,
    set_holiday_region,
    team_rules,
    update_rule,
)
from webapp.values.actor import Actor

ALERT_COLUMNS = [
    ("token", "TOKEN"),
    ("initials", "CODE"),
    ("due", "DUE"),
    ("missed_text", "MISSED"),
    ("role", "FOR"),
    ("key", "ALERT"),
    ("message", "WHAT"),
]
#: Keys of an alert that stay internal: left out of the listing and its JSON.
PRIVATE_ALERT_KEYS = ("family_id",)


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
    found = [{k: v for k, v in a.items() if k not in PRIVATE_ALERT_KEYS} for a in found]
    if as_json:
        echo_json(found)
    else:
        for a in found:
            a["missed_text"] = f"missed ({a['next_due']})" if a["missed"] else ""
        echo_table(found, ALERT_COLUMNS)


@alerts.command("missed")
@db_option
@team_option
@json_option
@date_option
def alerts_missed(db_path, team_name, as_json, on):
    """Missed reviews (still open when their rule fired again), per rule and month."""
    db, team = store_and_team(db_path, team_name)
    found = missed_reviews(db, team, day(team, on))
    if as_json:
        echo_json(found)
    else:
        echo_table(found, [("month", "MONTH"), ("rule", "RULE"), ("missed", "MISSED")])


@alerts.command("follow-up")
@db_option
@team_option
@date_option
@click.argument("token")
@click.argument("key")
@click.option("--due", help="Which firing: the date it was due (default the oldest open).")
@click.option("--note", default="", help="What was done.")
def alerts_follow_up(db_path, team_name, on, token, key, due, note):
    """Record that alert KEY of the family TOKEN was followed up (this closes that firing)."""
    db, team = store_and_team(db_path, team_name)
    record = follow_up(
        db, team, token, key, on=day(team, on), due=due, note=note, actor=Actor.cli()
    )
    click.echo(f"followed up {key} due {record['due_on']} for {token.upper()}")


@alerts.command("interim")
@db_option
@team_option
@json_option
@date_option
@click.argument("token")
@click.option("--note", help="A short note.")
def alerts_interim(db_path, team_name, as_json, on, token, note):
    """Record an interim core assessment (Kent audit §10.1); the alert stays open. One
    after the 42-working-day deadline is marked late."""
    db, team = store_and_team(db_path, team_name)
    record = record_interim_assessment(
        db, team, token, on=day(team, on), note=note, actor=Actor.cli()
    )
    late = f" (late: the deadline was {record['deadline']})" if record["late"] else ""
    line = f"interim assessment recorded for {token.upper()} on {record['on_date']}{late}"
    echo_result(record, as_json, line)


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
        db, team, token, due_on=on, action=action, timescale=timescale, role=role, actor=Actor.cli()
    )
    echo_result(record, as_json, f"alert manager:{record['id']} set for {record['due_on']}")


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
        [
            ("key", "RULE"),
            ("kind", "KIND"),
            ("role", "FOR"),
            ("settings", "SETTINGS"),
            ("on", ""),
            ("standing", "STANDING"),
        ],
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
    echo_result(rule, as_json, f"{rule['key']}: {rule['params']}")


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
