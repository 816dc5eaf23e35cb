"""The printing page: the date-sticker queue, tile sheets, the board kit and calibration.

Downloads are built in memory and sent as PDFs; nothing is marked printed until a
person confirms the sheet came out right ("The sheet printed correctly").
"""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from tilegen.tile import (
    MIN_MODULE_MM,
    STICKER_HEIGHT_MM,
    STICKER_WIDTH_MM,
    TILE_HEIGHT_MM,
    TILE_WIDTH_MM,
    qr_module_mm,
)
from webapp.cases.teams import public_base_url, team_settings, team_today
from webapp.errors import BadInput, NotFound
from webapp.web.access import current_team, role_required
from webapp.web.extensions import get_db

bp = Blueprint("printing", __name__, url_prefix="/printing")


def _printer(team: dict) -> dict:
    printer = team_settings(team)["printer"]
    return {
        "paper": printer["paper"],
        "offset_mm": (float(printer["x_offset_mm"]), float(printer["y_offset_mm"])),
    }


def _templates(paper: str, width: float, height: float) -> list:
    """The label templates on the team's paper that hold an item of this size."""
    from printables.templates import TEMPLATES

    return [t for t in TEMPLATES.values() if t.paper == paper and t.fits(width, height)]


def _start() -> int:
    value = request.values.get("start") or "1"
    if not value.isdigit() or int(value) < 1:
        raise BadInput(f"start must be a label number from 1, not {value!r}")
    return int(value)


def _tiles(db, team: dict, *, unprinted: bool, tokens: list[str] | None = None) -> list[dict]:
    where, params = "team_id = ? and closed is null", [team["id"]]
    if unprinted:
        where += " and tile_printed_at is null"
    rows = db["families"].rows_where(where, params, order_by="stage, initials, id")
    return [r for r in rows if tokens is None or r["token"] in tokens]


def _pdf(write, filename: str):
    """Run a writer into memory and send it; a bad choice is a 400 with its message."""
    buffer = io.BytesIO()
    try:
        write(buffer)
    except (BadInput, ValueError) as exc:
        return render_template("printing/error.html", message=str(exc)), 400
    buffer.seek(0)
    return send_file(buffer, mimetype="application/pdf", as_attachment=True, download_name=filename)


@bp.get("/")
@role_required("manager")
def index():
    from webapp.printing import queues

    db, team = get_db(), current_team()
    printer = _printer(team)
    base_url = public_base_url(db, team)
    return render_template(
        "printing/index.html",
        team=team,
        printer=printer,
        pending=queues.pending_stickers(db, team, team_today(team)),
        unprinted=_tiles(db, team, unprinted=True),
        open_count=db["families"].count_where("team_id = ? and closed is null", [team["id"]]),
        tile_templates=_templates(printer["paper"], TILE_WIDTH_MM, TILE_HEIGHT_MM),
        sticker_templates=_templates(printer["paper"], STICKER_WIDTH_MM, STICKER_HEIGHT_MM),
        base_url=base_url,
        module_mm=qr_module_mm(base_url),
        min_module_mm=MIN_MODULE_MM,
    )


# -- date stickers ------------------------------------------------------------------


@bp.get("/stickers.pdf")
@role_required("manager")
def stickers_pdf():
    from printables.sticker_sheets import write_sticker_sheets
    from webapp.printing import queues

    db, team = get_db(), current_team()
    today = team_today(team)
    wanted = request.args.getlist("token")
    pending = queues.pending_stickers(db, team, today)
    chosen = [s for s in pending if not wanted or s["token"] in wanted]
    if not chosen:
        return render_template("printing/error.html", message="no date stickers to print"), 400
    printer = _printer(team)

    def write(buffer):
        write_sticker_sheets(
            chosen,
            buffer,
            template=request.args.get("template") or None,
            paper=printer["paper"],
            start=_start(),
            offset_mm=printer["offset_mm"],
            printed_on=today,
        )

    return _pdf(write, f"stickers-{today.isoformat()}.pdf")


def _confirm(mark, what: str, done: str):
    """The sheet printed correctly: mark the listed tokens printed and go back."""
    tokens = request.form.getlist("token")
    if not tokens:
        flash(f"No {what}s were listed to confirm.", "error")
        return redirect(url_for("printing.index"))
    try:
        mark(get_db(), current_team(), tokens, user_id=current_user.user_id, source="web")
    except (BadInput, NotFound) as exc:
        flash(str(exc), "error")
        return redirect(url_for("printing.index"))
    flash(f"{len(tokens)} {what}{'s' if len(tokens) != 1 else ''} marked printed.{done}")
    return redirect(url_for("printing.index"))


@bp.post("/stickers/confirm")
@role_required("manager")
def stickers_confirm():
    """The sticker sheet printed correctly: the listed stickers leave the queue."""
    from webapp.printing import queues

    return _confirm(queues.mark_stickers_printed, "date sticker", " Stick them on the tiles.")


# -- tiles ------------------------------------------------------------------------------


@bp.get("/tiles.pdf")
@role_required("manager")
def tiles_pdf():
    from printables.sheets import write_tile_sheets

    db, team = get_db(), current_team()
    which = request.args.get("which", "unprinted")
    if which not in ("all", "unprinted"):
        return render_template("printing/error.html", message="choose all or unprinted"), 400
    tokens = request.args.getlist("token") or None
    tiles = _tiles(db, team, unprinted=which == "unprinted", tokens=tokens)
    if not tiles:
        return render_template("printing/error.html", message="no tiles to print"), 400
    printer = _printer(team)

    def write(buffer):
        write_tile_sheets(
            tiles,
            buffer,
            base_url=public_base_url(db, team),
            team_name=team["name"],
            template=request.args.get("template") or None,
            paper=printer["paper"],
            start=_start(),
            offset_mm=printer["offset_mm"],
        )

    return _pdf(write, f"tiles-{which}.pdf")


@bp.post("/tiles/confirm")
@role_required("manager")
def tiles_confirm():
    from webapp.printing import queues

    return _confirm(queues.mark_tiles_printed, "tile", "")


# -- board kit and calibration ----------------------------------------------------------


@bp.get("/board-kit.pdf")
@role_required("manager")
def board_kit():
    from webapp.printing.board_kit import write_team_board_kit

    db, team = get_db(), current_team()
    return _pdf(lambda buffer: write_team_board_kit(db, team, buffer), "board-kit.pdf")


@bp.get("/calibration.pdf")
@role_required("manager")
def calibration():
    from webapp.printing.board_kit import write_team_calibration

    db, team = get_db(), current_team()
    return _pdf(lambda buffer: write_team_calibration(db, team, buffer), "calibration.pdf")
