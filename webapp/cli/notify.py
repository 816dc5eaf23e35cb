"""`caseboard notify`: send the email due today (docs/contract.md §9)."""

from __future__ import annotations

from datetime import date

import click

from tilegen import domain
from webapp.cli.common import db_option, echo_json, json_option, open_cli_store
from webapp.values.dates import parse_date


@click.command("notify")
@db_option
@click.option("--date", "on", help="The day to send for, YYYY-MM-DD (default today).")
@click.option("--dry-run", is_flag=True, help="List what would be sent; send nothing.")
@json_option
def notify(db_path, on, dry_run, as_json):
    """Send what is due: alerts to their role, weekly lists, scan summaries, sticker
    reminders. Running it again for the same day sends nothing new; a message that
    failed is tried again (and the exit status is 1)."""
    from webapp.notify.send import plan, run
    from webapp.notify.settings import env_mail_settings

    db = open_cli_store(db_path)
    day: date = parse_date(on, "--date") if on else domain.today()
    listed = plan(db, day) if dry_run else run(db, day, env_mail_settings())
    if as_json:
        echo_json(listed)
    else:
        for item in listed:
            click.echo(f"{item['status']}\t{item['to']}\t{item['kind']}\t{item['subject']}")
    if any(item["status"] == "failed" for item in listed):
        raise SystemExit(1)  # tried again on the next run; listed on the admin mail page
