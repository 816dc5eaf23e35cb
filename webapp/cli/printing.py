"""`caseboard print ...`: tile sheets and PNGs, date stickers, the board kit, calibration.

The team's printer settings (paper, x/y offsets) apply to every PDF. Nothing is
marked printed unless ``--mark-printed`` is given, once the sheet came out right.
"""

from __future__ import annotations

from pathlib import Path

import click

from webapp.cases.families import get_family_row, list_families
from webapp.cases.teams import get_team, public_base_url, team_today
from webapp.cli.common import CaseboardGroup, CliError, db_option, open_cli_store, team_option
from webapp.printing.board_kit import printer_for, write_team_board_kit, write_team_calibration
from webapp.printing.queues import mark_stickers_printed, mark_tiles_printed, pending_stickers

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


def select_tiles(db, team, tokens, all_, unprinted) -> list[dict]:
    if sum(bool(x) for x in (tokens, all_, unprinted)) != 1:
        raise CliError("choose tiles: TOKEN..., --all or --unprinted (one of them)")
    if tokens:
        rows = [get_family_row(db, t, team) for t in tokens]
        return [{"token": r["token"], "initials": r["initials"]} for r in rows]
    where, params = "team_id = ? and closed is null", [team["id"]]
    if unprinted:
        where += " and tile_printed_at is null"
    rows = db["families"].rows_where(where, params, order_by="stage, initials, id")
    chosen = [{"token": r["token"], "initials": r["initials"]} for r in rows]
    if not chosen:
        raise CliError(
            "no tiles to print: " + ("every tile is printed" if unprinted else "no open families")
        )
    return chosen


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

    db = open_cli_store(db_path)
    team = get_team(db, team_name)
    tiles = select_tiles(db, team, tokens, all_, unprinted)
    need_out(out, mark_printed)
    base_url = public_base_url(db, team)
    warn_small_modules(base_url)
    if out is not None and fmt == "png":
        if out.exists() and not out.is_dir():
            raise CliError(f"{out} is a file; --format png writes into a folder")
        paths = run_writer(
            write_tile_pngs, tiles, out, base_url=base_url, team_name=team["name"], dpi=dpi
        )
        click.echo(f"wrote {len(paths)} tile PNGs at {dpi} dpi to {out}")
    elif out is not None:
        printer = printer_for(team, paper)
        pages = run_writer(
            write_tile_sheets,
            tiles,
            out,
            base_url=base_url,
            team_name=team["name"],
            template=template,
            paper=printer["paper"],
            start=start,
            offset_mm=printer["offset_mm"],
        )
        click.echo(f"wrote {len(tiles)} tiles on {pages} page{'s' * (pages != 1)} to {out}")
    if mark_printed:
        marked = mark_tiles_printed(db, team, [t["token"] for t in tiles], source="cli")
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

    db = open_cli_store(db_path)
    team = get_team(db, team_name)
    today = team_today(team)
    if bool(tokens) == bool(pending):
        raise CliError("choose stickers: TOKEN... or --pending (one of them)")
    if pending:
        chosen = pending_stickers(db, team, today)
        if not chosen:
            raise CliError("no date stickers to print: every sticker is up to date")
    else:
        wanted = {get_family_row(db, t, team)["token"] for t in tokens}
        chosen = [v for v in list_families(db, team, today=today) if v["token"] in wanted]
        closed = wanted - {v["token"] for v in chosen}
        if closed:
            raise CliError(f"no date sticker for a closed case: {', '.join(sorted(closed))}")
    need_out(out, mark_printed)
    if out is not None:
        printer = printer_for(team, paper)
        pages = run_writer(
            write_sticker_sheets,
            chosen,
            out,
            template=template,
            paper=printer["paper"],
            start=start,
            offset_mm=printer["offset_mm"],
            printed_on=today,
        )
        click.echo(f"wrote {len(chosen)} date stickers on {pages} page(s) to {out}")
    if mark_printed:
        marked = mark_stickers_printed(db, team, [v["token"] for v in chosen], today=today)
        click.echo(f"marked {len(marked)} date sticker{'s' * (len(marked) != 1)} printed")


@print_group.command("board-kit")
@db_option
@team_option
@paper_option
@required_pdf_option
def print_board_kit(db_path, team_name, paper, out):
    """Corner markers, stage headers, zone labels and a fitting guide for the six boards."""
    db = open_cli_store(db_path)
    team = get_team(db, team_name)
    pages = write_team_board_kit(db, team, out, paper)
    click.echo(f"wrote the board kit for {team['name']} ({pages} pages) to {out}")


@print_group.command("calibration")
@db_option
@team_option
@paper_option
@required_pdf_option
def print_calibration(db_path, team_name, paper, out):
    """A page to measure the printer's shift and scale; set the offsets it gives."""
    db = open_cli_store(db_path)
    team = get_team(db, team_name)
    write_team_calibration(db, team, out, paper)
    click.echo(f"wrote the calibration page to {out}")
