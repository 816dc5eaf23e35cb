"""The team's board kit and calibration page, from its settings in the store.

A thin bridge: :mod:`printables` knows nothing of the store, so this gathers the
team's stage names, board geometries, marker base, amber window and printer
settings and hands them over.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from sqlite_utils import Database

from webapp.accounts.teams import geometries, stage_names, team_settings
from webapp.errors import BadInput


def printer_for(team: dict, paper: str | None = None, template: str | None = None) -> dict:
    """How to print a sheet for ``team``: ``paper`` (default: the team's printer setting),
    ``offset_mm`` (the team's x/y shift) and the label ``template`` asked for (None: the
    paper's default), as the printables writers take them. An unknown paper or template
    is a :class:`BadInput`."""
    from printables.templates import get_paper, get_template

    printer = team_settings(team)["printer"]
    try:
        return {
            "paper": get_paper(paper or printer["paper"]).name,
            "offset_mm": (float(printer["x_offset_mm"]), float(printer["y_offset_mm"])),
            "template": get_template(template).name if template else None,
        }
    except (TypeError, ValueError) as exc:
        raise BadInput(str(exc)) from None


def label_templates(paper: str) -> dict[str, list]:
    """The label templates on ``paper`` for tiles, and those for date stickers only."""
    from printables.templates import TEMPLATES
    from tilegen.tile import STICKER_HEIGHT_MM, STICKER_WIDTH_MM, TILE_HEIGHT_MM, TILE_WIDTH_MM

    sizes = {
        "tile": (TILE_WIDTH_MM, TILE_HEIGHT_MM),
        "sticker": (STICKER_WIDTH_MM, STICKER_HEIGHT_MM),
    }
    on_paper = [t for t in TEMPLATES.values() if t.paper == paper]
    tiles = [t for t in on_paper if t.fits(*sizes["tile"])]
    # a tile-sized label would waste most of itself on a date sticker: not offered for one
    stickers = [t for t in on_paper if t.fits(*sizes["sticker"]) and t not in tiles]
    return {"tile": tiles, "sticker": stickers}


def write_team_board_kit(
    db: Database, team: dict, dest: str | os.PathLike | BinaryIO, paper: str | None = None
) -> int:
    """Write ``team``'s board kit PDF (markers, headers, zone labels, fitting guide); pages."""
    from printables.board_kit import write_board_kit

    printer = printer_for(team, paper)
    try:
        return write_board_kit(
            dest,
            team_name=team["name"],
            stage_names=stage_names(db, team),
            geometries=geometries(db, team),
            marker_base=team["marker_base"],
            amber_days=team["amber_days"],
            paper=printer["paper"],
            offset_mm=printer["offset_mm"],
        )
    except ValueError as exc:
        raise BadInput(str(exc)) from None


def write_team_calibration(
    team: dict, dest: str | os.PathLike | BinaryIO, paper: str | None = None
) -> int:
    """Write the printer calibration page on the team's paper, with its current offsets."""
    from printables.calibration import write_calibration

    printer = printer_for(team, paper)
    return write_calibration(
        dest, paper=printer["paper"], offset_mm=printer["offset_mm"], team_name=team["name"]
    )
