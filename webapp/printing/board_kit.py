"""The team's board kit and calibration page, from its settings in the store.

A thin bridge: :mod:`printables` knows nothing of the store, so this gathers the
team's stage names, board geometries, marker base, amber window and printer
settings and hands them over.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from sqlite_utils import Database

from webapp.cases.teams import geometries, stage_names, team_settings
from webapp.errors import BadInput


def printer_for(team: dict, paper: str | None = None) -> dict:
    """The team's paper (``paper`` overrides it) and x/y offsets in mm."""
    from printables.templates import get_paper

    printer = team_settings(team)["printer"]
    try:
        return {
            "paper": get_paper(paper or printer["paper"]).name,
            "offset_mm": (float(printer["x_offset_mm"]), float(printer["y_offset_mm"])),
        }
    except (TypeError, ValueError) as exc:
        raise BadInput(str(exc)) from None


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
    db: Database, team: dict, dest: str | os.PathLike | BinaryIO, paper: str | None = None
) -> int:
    """Write the printer calibration page on the team's paper, with its current offsets."""
    from printables.calibration import write_calibration

    printer = printer_for(team, paper)
    return write_calibration(
        dest, paper=printer["paper"], offset_mm=printer["offset_mm"], team_name=team["name"]
    )
