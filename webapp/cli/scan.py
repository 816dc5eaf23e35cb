"""`caseboard scan PHOTO...`: which tile sits where on the boards (docs/contract.md §3)."""

from __future__ import annotations

from pathlib import Path

import click

from scanner import scan_photos
from webapp.cli.common import db_option, echo_json, echo_table, json_option, team_option
from webapp.values.actor import Actor

TILE_COLUMNS = [("token", "TOKEN"), ("stage", "STAGE"), ("zone", "ZONE"), ("photo", "PHOTO")]


def _settings(db_path: str, team_name: str | None) -> dict:
    """The team's board geometry and marker base when a store exists; the defaults otherwise."""
    if not Path(db_path).exists():
        return {}
    from webapp.accounts.teams import scan_settings
    from webapp.cli.common import store_and_team
    from webapp.scans.uploads import expected_hints

    db, team = store_and_team(db_path, team_name)
    return {**scan_settings(db, team), "hints": expected_hints(db, team)}


def _scan_and_apply(photos, as_json: bool, annotate_dir, db_path: str, team_name) -> None:
    """Take the photos in as an upload is (the same checks, a stored preview with the
    annotated photos: ``webapp.scans.intake``), then apply the preview."""
    from webapp.cli.common import store_and_team
    from webapp.scans.applying import apply_scan
    from webapp.scans.intake import take_in

    db, team = store_and_team(db_path, team_name)
    taken = take_in(db, team, photos, actor=Actor.cli(), annotate_dir=annotate_dir)
    if taken.scan_json is None:  # refused before any photo was scanned: past the limits
        raise taken.refusal
    _report(taken.scan_json, [error["error"] for error in taken.errors], as_json)
    if taken.scan is not None:
        scan = taken.scan
        summary = apply_scan(db, team, scan["id"], actor=Actor.cli())
        _applied(scan, summary, as_json)
    if taken.errors:
        raise SystemExit(2)


def _applied(scan: dict, summary: dict, as_json: bool) -> None:
    for move in summary["moved"]:
        click.echo(f"moved {move['token']}: board {move['from']} -> {move['to']}", err=as_json)
    for wrong in scan["wrong_zone"]:
        click.echo(
            f"wrong section: {wrong['token']} is in {wrong['zone']} on board {wrong['stage']}, "
            f"belongs in {wrong['expected_zone']}",
            err=as_json,
        )
    for gone in scan["missing"]:
        click.echo(f"not seen: {gone['token']} (board {gone['stage']})", err=as_json)
    click.echo(f"applied scan {scan['id']}: {summary['note']}", err=as_json)


@click.command("scan")
@click.argument("photos", nargs=-1, required=True, type=click.Path(dir_okay=False))
@json_option
@click.option(
    "--annotate",
    "annotate_dir",
    type=click.Path(file_okay=False),
    help="Write an annotated copy of each photo into this folder.",
)
@click.option("--apply", "apply_", is_flag=True, help="Sync the result into the store.")
@db_option
@team_option
def scan(photos, as_json, annotate_dir, apply_, db_path, team_name):
    """Find every tile in board PHOTOs and place it on its board and zone."""
    if apply_:
        _scan_and_apply(photos, as_json, annotate_dir, db_path, team_name)
        return
    settings = _settings(db_path, team_name)
    result = scan_photos(photos, annotate_dir=annotate_dir, **settings)
    _report(result.to_json(), [str(error) for error in result.errors], as_json)
    if result.errors:
        raise SystemExit(2)


def _report(data: dict, errors: list[str], as_json: bool) -> None:
    for error in errors:
        click.echo(f"error: {error}", err=True)
    if as_json:
        echo_json(data)
    else:
        _summary(data)


def _summary(data: dict) -> None:
    echo_table(data["tiles"], TILE_COLUMNS)
    for board in data["boards"]:
        state = "located" if board.get("located") else "NOT located"
        click.echo(
            f"board {board['stage']} in {board['photo']}: {board['markers']} markers, {state}"
        )
    for text in data["unknown"]:
        click.echo(f"not a tile: {text}")
    for dup in data["duplicates"]:
        click.echo(f"duplicate tile {dup['token']} seen in {len(dup['places'])} places")
    for photo in data["photos"]:
        for tip in photo["suggestions"]:
            click.echo(f"{photo['photo']}: {tip}")
