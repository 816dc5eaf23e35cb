"""`caseboard family ...`: register, list, import, change, close, transfer and reopen
family groups (docs/contract.md §3 and §6)."""

from pathlib import Path

import click

from webapp.accounts.teams import get_team, team_by_id
from webapp.cases.families import (
    add_family,
    family_view,
    get_family_row,
    list_families,
)
from webapp.cases.lifecycle import close_case, reopen_case, set_case
from webapp.cases.transfers import transfer_case
from webapp.cli.common import (
    CaseboardGroup,
    db_option,
    echo_json,
    echo_result,
    echo_table,
    json_option,
    open_cli_store,
    team_option,
)
from webapp.values.actor import Actor

LIST_COLUMNS = [
    ("token", "TOKEN"),
    ("initials", "CODE"),
    ("stage", "STAGE"),
    ("next_review", "REVIEW"),
    ("status", "STATUS"),
    ("zone", "SEEN IN"),
    ("move", "MOVE"),
    ("worker", "WORKER"),
]
#: Fields of a listing that stay internal.
PRIVATE = ("id", "team_id")


def public(view: dict) -> dict:
    return {k: v for k, v in view.items() if k not in PRIVATE}


@click.group("family", cls=CaseboardGroup)
def family():
    """Register, list and change family groups (one tile each), through a case's whole life."""


@family.command("add")
@db_option
@team_option
@json_option
@click.option("--initials", required=True, help='Board codes, one to six: "TWr" or "TWr JWr KWr".')
@click.option("--stage", required=True, help="Stage board 1-6.")
@click.option("--review", required=True, help="Next review date, YYYY-MM-DD.")
@click.option("--ref", help="Case reference in the case system (never printed).")
@click.option("--worker", help="Allocated worker.")
@click.option("--opened", help="Date the case started, YYYY-MM-DD (default today).")
@click.option("--type", "case_type", help="Case type, e.g. 16.4, s.31, s.25.")
@click.option("--flag", "flags", multiple=True, help="Risk flag, e.g. CSE or MARAC (repeatable).")
def family_add(db_path, team_name, as_json, **fields):
    """Register a family group and print its tile token."""
    db = open_cli_store(db_path)
    view = add_family(db, get_team(db, team_name), actor=Actor.cli(), **fields)
    echo_result(public(view), as_json, view["token"])


@family.command("list")
@db_option
@team_option
@json_option
@click.option("--closed", "include_closed", is_flag=True, help="Include closed cases.")
@click.option("--worker", help="Only this worker's families.")
def family_list(db_path, team_name, as_json, include_closed, worker):
    """List family groups with their status and where their tile was last seen."""
    db = open_cli_store(db_path)
    team = get_team(db, team_name)
    views = list_families(db, team, include_closed=include_closed, worker=worker)
    if as_json:
        echo_json([public(v) for v in views])
        return
    for v in views:
        v["move"] = f"-> {v['expected_zone']}" if v["should_move"] else ""
    echo_table(views, LIST_COLUMNS)


@family.command("show")
@db_option
@json_option
@click.argument("token")
def family_show(db_path, as_json, token):
    """Show one family group."""
    db = open_cli_store(db_path)
    row = get_family_row(db, token)
    view = public(family_view(db, row, team_by_id(db, row["team_id"])))
    if as_json:
        echo_json(view)
    else:
        for key, value in view.items():
            click.echo(f"{key:>14}: {'' if value is None else value}")


@family.command("import")
@db_option
@team_option
@json_option
@click.option("--columns", help='Which header holds which field: "field=Header,...".')
@click.option("--mapping", "mapping_name", help="Use the team's saved mapping NAME.")
@click.option("--save-mapping", "save_as", help="Save the columns used as NAME for the team.")
@click.option("--dry-run", is_flag=True, help="Write nothing; print what would change.")
@click.option("--reconcile", is_flag=True, help="Also list families not in the export.")
@click.option("--sheet", help="Read this sheet of the workbook (default: the one with the data).")
@click.option("--header-row", type=click.IntRange(1, 1_048_576),
              help="The row number of the header (default: found).")  # fmt: skip
@click.option("--default-stage", type=click.IntRange(1, 6),
              help="The stage of new families when the file has none.")  # fmt: skip
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def family_import(db_path, team_name, as_json, columns, mapping_name, save_as, dry_run, reconcile,
                  sheet, header_row, default_stage, file):  # fmt: skip
    """Register or update every family in a case-system export (.xlsx, .csv or .txt).

    The data sheet and its header row are found (title blocks, parameters and grouped
    headings skipped); hidden rows, totals and other teams' rows are skipped and listed.
    Rows sharing a case reference are one family group (one tile); a reference already
    in the store updates that family. Board codes are derived from first names and
    surnames, which are never stored. Every row is checked before anything is written,
    and everything is written in one transaction.
    """
    from webapp.cases.imports import ImportRefused, import_export, prepare_import
    from webapp.cases.imports.limits import read_file
    from webapp.cases.imports.stored import find_team

    db = open_cli_store(db_path)
    data = read_file(file)

    def plan_it():
        return prepare_import(db, data, file.name, team_name=team_name, columns=columns,
                              mapping_name=mapping_name, reconcile=reconcile, sheet=sheet,
                              header_row=header_row, default_stage=default_stage)  # fmt: skip

    plan = plan_it()
    if plan.errors:
        if not as_json:
            _echo_reading(plan)
            raise ImportRefused(plan)
        echo_json(plan.as_json())
        click.echo(f"Error: nothing imported, {len(plan.errors)} problem(s)", err=True)
        raise click.exceptions.Exit(2)
    if dry_run and save_as:
        click.echo(f"(a dry run: the mapping {save_as!r} is not saved)", err=True)
    if not dry_run:
        team = find_team(db, team_name) if save_as else None
        plan = import_export(
            db, plan, team=team, save_as=save_as, replan=plan_it, actor=Actor.cli()
        )
    if as_json:
        echo_json(plan.as_json())
        return
    _echo_plan(plan, file, dry_run)


def _echo_reading(plan) -> None:
    """Where the data was found, which header each field came from, and what was skipped."""
    click.echo(f"read sheet {plan.sheet!r}, header in row {plan.header_row}")
    for name, header in plan.mapping.items():
        other = plan.passed_over.get(name)
        why = f"  (not {', '.join(repr(o) for o in other)})" if other else ""
        click.echo(f"  {name:17} <- {header!r}{why}")
    for note in plan.notes:
        click.echo(f"  note: {note}")
    for skip in plan.skipped:
        click.echo(f"  skipped row {skip['row']}: {skip['reason']}")


def _echo_plan(plan, file, dry_run) -> None:
    """What an import did (or, with --dry-run, would do), one line a family."""
    _echo_reading(plan)
    counts = f"{len(plan.new)} new, {len(plan.changed)} changed, {plan.unchanged} unchanged"
    if dry_run:
        click.echo(f"dry run, nothing written: {counts}")
    else:
        done = len(plan.new) + len(plan.changed)
        click.echo(f"imported {done} families from {file}: {counts}")
    for new in plan.new:
        row = new.row
        click.echo(
            f"  new      {new.token or '':10}  {row['initials']:23}  ref {row['ref'] or '-'}"
            f"  board {row['stage']}  review {row['next_review']}"
        )
        if new.closed:
            click.echo(
                f"           (ref closed on {new.closed['closed']} as {new.closed['token']}:"
                " a new tile; reopen that one instead to keep one history)"
            )
    for change in plan.changed:
        what = ", ".join(f"{k} {a} -> {b}" for k, (a, b) in change.changes.items())
        click.echo(
            f"  changed  {change.family['token']:10}  {change.family['initials']:23}"
            f"  ref {change.family['ref']}: {what}"
        )
    for row in plan.not_in_export:
        click.echo(
            f"  not in the export (close it or keep it)  {row['token']:10}"
            f"  {row['initials']:23}  ref {row['ref']}"
        )
    if plan.new and not dry_run:
        click.echo("print the new tiles: caseboard print tiles --unprinted --out tiles.pdf")


def _row(db_path: str, token: str):
    db = open_cli_store(db_path)
    row = get_family_row(db, token)
    return db, row, team_by_id(db, row["team_id"])


date_option = click.option("--date", "on", help="Date it takes effect, YYYY-MM-DD (default today).")


@family.command("set")
@db_option
@date_option
@click.argument("token")
@click.option("--type", "case_type", help="New case type; its clock starts on --date.")
@click.option("--flag", "flags", multiple=True, help="Add a flag from --date (repeatable).")
@click.option("--unflag", "unflags", multiple=True, help="Remove a flag from --date (repeatable).")
@click.option("--proceedings-start", help="Date court proceedings started (court clocks start).")
@click.option("--s47", help="Date of the referral that led to s.47 enquiries.")
@click.option("--assessment-done", help="Date the core assessment was completed.")
@click.option("--worker", help="Newly allocated worker.")
@click.option("--initials", help='Board codes, one to six: "TWr JWr".')
def family_set(db_path, on, token, **fields):
    """Change a case from a date: type, flags, court and assessment dates, worker, codes."""
    db, row, team = _row(db_path, token)
    row = set_case(db, row, team, on=on, actor=Actor.cli(), **fields)
    click.echo(f"changed {row['token']} ({row['initials']})")


@family.command("close")
@db_option
@date_option
@click.argument("token")
@click.option(
    "--as", "closed_as", type=click.Choice(["closed", "stepped-down"]), required=True,
    help="Closed, or stepped down to another service.",
)  # fmt: skip
@click.option("--views", required=True, help="Whose views were considered: child,family,network.")
@click.option("--scaling", required=True, help="Signs of Safety scaling score, 0-10.")
@click.option("--reason", help="A short reason, with no names or personal detail.")
def family_close(db_path, on, token, closed_as, views, scaling, reason):
    """Close a case or step it down, recording the views considered and the scaling."""
    db, row, team = _row(db_path, token)
    row = close_case(
        db,
        row,
        team,
        closed_as=closed_as,
        views=views,
        scaling=scaling,
        reason=reason,
        on=on,
        actor=Actor.cli(),
    )
    click.echo(f"{row['closed_as']} {row['token']} ({row['initials']}) on {row['closed']}")


@family.command("transfer")
@db_option
@date_option
@click.argument("token")
@click.option("--to-team", required=True, help="The team taking the case.")
@click.option("--stage", help="Stage board on the new team's wall (default the same).")
def family_transfer(db_path, on, token, to_team, stage):
    """Move a case, with its tile, token and history, to another team."""
    db, row, team = _row(db_path, token)
    row, new_team = transfer_case(db, row, team, to_team, stage=stage, on=on, actor=Actor.cli())
    click.echo(f"transferred {row['token']} ({row['initials']}) to {new_team['name']}, "
               f"board {row['stage']}")  # fmt: skip


@family.command("reopen")
@db_option
@date_option
@click.argument("token")
@click.option("--review", help="The new episode's review date, YYYY-MM-DD (required).")
@click.option("--stage", help="Stage board the new episode starts on (default 1).")
def family_reopen(db_path, on, token, review, stage):
    """Reopen a closed case as a new episode starting on --date, with a new review date."""
    db, row, team = _row(db_path, token)
    row = reopen_case(db, row, team, review=review, stage=stage, on=on, actor=Actor.cli())
    click.echo(f"reopened {row['token']} ({row['initials']}) from {row['opened']}")
