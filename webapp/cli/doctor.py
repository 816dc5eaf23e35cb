"""`caseboard doctor [--json]`: one line per check of this deployment; exit 1 if any fails."""

from __future__ import annotations

import os

import click

from webapp.cli.common import db_option, echo_json, open_cli_store


def cli_instance_path() -> str:
    """The instance folder the web app uses: $CASEBOARD_INSTANCE_PATH, else Flask's own."""
    if os.environ.get("CASEBOARD_INSTANCE_PATH"):
        return os.environ["CASEBOARD_INSTANCE_PATH"]
    from flask import Flask

    return Flask("webapp.web.app", instance_relative_config=True).instance_path


def env_config() -> dict:
    """The ``CASEBOARD_*`` environment without its prefix, as the app's config reads it."""
    prefix = "CASEBOARD_"
    return {k.removeprefix(prefix): v for k, v in os.environ.items() if k.startswith(prefix)}


@click.command("doctor")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def doctor(db_path, as_json):
    """Check this deployment: base URL, secret key, mail, sign-in, backups, disk."""
    from webapp.doctor import run_checks

    db = open_cli_store(db_path)
    checks = run_checks(db, db_path, env_config(), cli_instance_path())
    if as_json:
        echo_json(checks)
    else:
        for c in checks:
            click.echo(f"{'ok  ' if c['ok'] else 'FAIL'}  {c['check']}: {c['message']}")
    if not all(c["ok"] for c in checks):
        raise SystemExit(1)
