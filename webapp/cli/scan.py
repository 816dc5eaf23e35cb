"""`caseboard scan PHOTO...`: read board photos and say which tile sits where (CONTRACT §3)."""

from __future__ import annotations

from pathlib import Path

import click

from scanner import scan_photos

from .common import db_option, echo_json, echo_table, json_option, team_option

TILE_COLUMNS = [("token", "TOKEN"), ("stage", "STAGE"), ("zone", "ZONE"), ("photo", "PHOTO")]


def _settings(db_path: str, team_name: str | None) -> dict:
    """The team's board geometry and marker base when a store exists; the defaults otherwise."""
    if not Path(db_path).exists():
        return {}
    from ..db import open_store
    from ..teams import get_team, scan_settings

    db = open_store(db_path)
    try:
        return scan_settings(db, get_team(db, team_name))
    finally:
        db.close()


def _apply(db_path: str, result: dict) -> None:
    """Sync a scan into the store. The web engineer wires this to ``webapp.sync``."""
    raise click.UsageError("--apply needs the store sync, which is not available yet")


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
    settings = _settings(db_path, team_name)
    result = scan_photos(photos, annotate_dir=annotate_dir, **settings)
    data = result.to_json()
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    if as_json:
        echo_json(data)
    else:
        _summary(data)
    if apply_ and result.photos:
        _apply(db_path, data)
    if result.errors:
        raise SystemExit(2)


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
