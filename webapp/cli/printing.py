"""`caseboard print ...`: tile sheets and PNGs, date stickers, the board kit, calibration.

The team's printer settings (paper, x/y offsets) apply to every PDF. Nothing is
marked printed unless ``--mark-printed`` is given, once the sheet came out right.
"""

from __future__ import annotations

from pathlib import Path

import click

from webapp.accounts.teams import team_today
from webapp.cli.common import CaseboardGroup, CliError, db_option, store_and_team, team_option
from webapp.printing.address import tile_base_url
from webapp.printing.queues import (
    mark_stickers_printed,
    mark_tiles_printed,
    stickers_to_print,
    tiles_to_print,
)
from webapp.printing.team_kit import printer_for, write_team_board_kit, write_team_calibration
from webapp.values.actor import Actor

out_pdf = click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="PDF file to write."
)
required_pdf_option = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="PDF file to write.",
)
template_option = click.option("--template", help="Label sheet, e.g. L7163 (default: by paper).")
start_option = click.option(
    "--start", type=int, default=1, show_default=True, help="First free label on the sheet."
)
paper_option = click.option("--paper", help="A4 or Letter (default: the team's printer setting).")
mark_option = click.option(
    "--mark-printed",
    is_flag=True,
    help="Record that these printed correctly (run it once the sheet came out).",
)


def run_writer(write, *args, **kwargs) -> int:
    """A printables writer; its ValueError (bad template, start, empty) is exit 2."""
    try:
        return write(*args, **kwargs)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def warn_small_modules(base_url: str) -> None:
    """A long base URL makes QR modules under 1 mm, too small for a whole-board photo."""
    from tilegen.tile import MIN_MODULE_MM, qr_module_mm

    module = qr_module_mm(base_url)
    if module < MIN_MODULE_MM:
        click.echo(
            f"warning: QR modules are {module:.2f} mm (under {MIN_MODULE_MM:g} mm) with base URL "
            f"{base_url}; a shorter or upper-case base URL reads better from a board photo",
            err=True,
        )


def need_out(out: Path | None, mark_printed: bool) -> None:
    if out is None and not mark_printed:
        raise CliError("give --out FILE (or --mark-printed to confirm an earlier sheet)")


@click.group("print", cls=CaseboardGroup)
def print_group():
    """Print tiles, date stickers, the board kit and the calibration page."""


@print_group.command("tiles")
@db_option
@team_option
@click.argument("tokens", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Every open family.")
@click.option("--unprinted", is_flag=True, help="Families whose tile is not marked printed.")
@template_option
@start_option
@paper_option
@click.option(
    "--format", "fmt", type=click.Choice(["pdf", "png"]), default="pdf", show_default=True
)
@click.option("--dpi", type=click.IntRange(72, 2400), default=600, show_default=True)
@click.option(
    "--out", type=click.Path(path_type=Path), help="PDF file, or folder for --format png."
)
@mark_option
def print_tiles(
    db_path,
    team_name,
    tokens,
    all_,
    unprinted,
    template,
    start,
    paper,
    fmt,
    dpi,
    out,
    mark_printed,
):
    """Tile sheets (PDF), or one PNG per tile named TOKEN.png at its physical size."""
    from printables.sheets import write_tile_sheets
    from printables.tiles import write_tile_pngs

    if all_ and unprinted:
        raise CliError("choose tiles: tokens, all or unprinted (one of them)")
    db, team = store_and_team(db_path, team_name)
    which = "all" if all_ else "unprinted" if unprinted else None
    tiles = tiles_to_print(db, team, tokens, which)
    printer = printer_for(team, paper, template)
    need_out(out, mark_printed)
    base_url = tile_base_url(db, team) if out is not None else None
    if base_url:
        warn_small_modules(base_url)
    if out is not None and fmt == "png":
        if out.exists() and not out.is_dir():
            raise CliError(f"{out} is a file; --format png writes into a folder")
        paths = run_writer(
            write_tile_pngs, tiles, out, base_url=base_url, team_name=team["name"], dpi=dpi
        )
        click.echo(f"wrote {len(paths)} tile PNGs at {dpi} dpi to {out}")
    elif out is not None:
        pages = run_writer(
            write_tile_sheets,
            tiles,
            out,
            base_url=base_url,
            team_name=team["name"],
            start=start,
            **printer,
        )
        click.echo(f"wrote {len(tiles)} tiles on {pages} page{'s' * (pages != 1)} to {out}")
    if mark_printed:
        marked = mark_tiles_printed(db, team, [t["token"] for t in tiles], actor=Actor.cli())
        click.echo(f"marked {len(marked)} tile{'s' * (len(marked) != 1)} printed")


@print_group.command("stickers")
@db_option
@team_option
@click.argument("tokens", nargs=-1)
@click.option("--pending", is_flag=True, help="Families whose sticker no longer matches.")
@template_option
@start_option
@paper_option
@out_pdf
@mark_option
def print_stickers(db_path, team_name, tokens, pending, template, start, paper, out, mark_printed):
    """Date stickers for TOKEN... or every --pending one; --mark-printed confirms them."""
    from printables.sticker_sheets import write_sticker_sheets

    db, team = store_and_team(db_path, team_name)
    today = team_today(team)
    chosen = stickers_to_print(db, team, tokens, pending=pending, today=today)
    printer = printer_for(team, paper, template)
    need_out(out, mark_printed)
    if out is not None:
        pages = run_writer(
            write_sticker_sheets,
            chosen,
            out,
            start=start,
            **printer,
            printed_on=today,
        )
        click.echo(f"wrote {len(chosen)} date stickers on {pages} page(s) to {out}")
    if mark_printed:
        marked = mark_stickers_printed(
            db, team, [v["token"] for v in chosen], today=today, actor=Actor.cli()
        )
        click.echo(f"marked {len(marked)} date sticker{'s' * (len(marked) != 1)} printed")


@print_group.command("board-kit")
@db_option
@team_option
@paper_option
@required_pdf_option
def print_board_kit(db_path, team_name, paper, out):
    """Corner markers, stage headers, zone labels and a fitting guide for the six boards."""
    db, team = store_and_team(db_path, team_name)
    pages = write_team_board_kit(db, team, out, paper)
    click.echo(f"wrote the board kit for {team['name']} ({pages} pages) to {out}")


@print_group.command("calibration")
@db_option
@team_option
@paper_option
@required_pdf_option
def print_calibration(db_path, team_name, paper, out):
    """A page to measure the printer's shift and scale; set the offsets it gives."""
    _, team = store_and_team(db_path, team_name)
    write_team_calibration(team, out, paper)
    click.echo(f"wrote the calibration page to {out}")
