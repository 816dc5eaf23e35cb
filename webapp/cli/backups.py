"""`caseboard backup`, `restore`, `purge` and `retention`: keeping the store safe and
keeping it no longer than needed (docs/contract.md §8)."""

from __future__ import annotations

import click

from webapp.cli.common import CaseboardGroup, db_option, echo_json, echo_result, open_cli_store
from webapp.store import access_log
from webapp.store import backup as backups
from webapp.store import retention as keep
from webapp.values.actor import Actor
from webapp.values.dates import parse_date


@click.command("backup")
@db_option
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="The backup file to write (replaced if it exists).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def backup(db_path, out, as_json):
    """Write a consistent copy of the store while the app runs (SQLite online backup)."""
    open_cli_store(db_path)  # a missing store is one clear line; the copy is logged
    made = backups.backup(db_path, out)
    line = f"backup written: {made['file']} ({made['families']} families, {made['bytes']} bytes)"
    echo_result(made, as_json, line)


@click.command("restore")
@db_option
@click.argument("backup_file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def restore(db_path, backup_file, as_json):
    """Put a backup back as the store, after checking it (integrity, a caseboard store).

    The store it replaces is kept as STORE.before-restore-<time>.
    """
    done = backups.restore(backup_file, db_path)
    detail = {"command": "restore", "file": str(backup_file), "kept": done["replaced_copy"]}
    access_log.record(open_cli_store(db_path), None, access_log.CHANGE, None, detail,
                      actor=Actor.cli())  # fmt: skip
    line = f"restored {backup_file} into {done['store']} ({done['families']} families)"
    if done["replaced_copy"]:
        line += f"; the store it replaced is kept as {done['replaced_copy']}"
    echo_result(done, as_json, line)


@click.command("purge")
@db_option
@click.option("--date", "on", help="Purge as on this day, YYYY-MM-DD (default today).")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def purge(db_path, on, dry_run, as_json):
    """Remove what has passed its retention (`caseboard retention`); safe to repeat."""
    db = open_cli_store(db_path)
    done = keep.purge(db, parse_date(on, "--date") if on else None, dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    line = (f"{verb}: {done['scan_pictures']} scan pictures, {done['access_log']} access-log "
            f"entries, {done['mail_log']} sent-mail records; "
            f"{'would anonymise' if dry_run else 'anonymised'} "
            f"{done['anonymised']} closed cases")  # fmt: skip
    echo_result(done, as_json, line)


@click.group("retention", cls=CaseboardGroup)
def retention():
    """How long the store keeps scan pictures, the access log and closed cases."""


@retention.command("show")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def retention_show(db_path, as_json):
    """Each retention setting, in days."""
    values = keep.retention_settings(open_cli_store(db_path))
    if as_json:
        echo_json(values)
        return
    for name, days in values.items():
        click.echo(f"{name:<14} {days:>6}  {keep.WORDS[name]}")


@retention.command("set")
@db_option
@click.argument("name", type=click.Choice(list(keep.DEFAULTS)))
@click.argument("days")
def retention_set(db_path, name, days):
    """Set one retention period, in days (e.g. `retention set scan-pictures 14`)."""
    values = keep.set_retention(open_cli_store(db_path), name, days)
    click.echo(f"{name}: {values[name]} days")


@click.command("log-archive")
@db_option
@click.option("--before", "before", metavar="YYYY-MM",
              help="The first month to keep in the store (default: three months ago).")  # fmt: skip
@click.option("--out", "out", required=True, type=click.Path(file_okay=False),
              help="The folder for the month files (access-log-YYYY-MM.db).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def log_archive(db_path, before, out, as_json):
    """Move whole months of the access log out of the store, one file a month; safe to
    repeat (a stopped run is finished by the next)."""
    from datetime import date

    from webapp.store import log_archive as archive

    first_kept = archive.parse_month(before) if before else _months_ago(date.today(), 3)
    done = archive.archive_before(open_cli_store(db_path), first_kept, out)
    lines = [f"{m['month']}: {m['entries']} entries -> {m['file']}" for m in done]
    echo_result(done, as_json, "\n".join(lines) or f"nothing before {first_kept:%Y-%m}")


def _months_ago(today, months: int):
    index = today.year * 12 + today.month - 1 - months
    return today.replace(year=index // 12, month=index % 12 + 1, day=1)
