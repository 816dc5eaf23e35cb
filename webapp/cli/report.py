"""`caseboard audit`, `caseboard report drift`: meeting audits and the drift report."""

from __future__ import annotations

from pathlib import Path

import click

from printables.output import atomic_output
from printables.report import write_drift_pdf
from webapp.cli.common import (
    CaseboardGroup,
    CliError,
    date_option,
    day,
    db_option,
    echo_json,
    json_option,
    store_and_team,
    team_option,
)
from webapp.practice.meeting_audits import add_audit, audit_status
from webapp.reports.drift import drift_report
from webapp.reports.drift_csv import report_csv
from webapp.values.actor import Actor

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
    record = add_audit(db, team, on=day(team, on), auditor=auditor, note=note, actor=Actor.cli())
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
