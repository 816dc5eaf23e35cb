"""The printing page: the date-sticker queue, tile sheets, the board kit and calibration.

Downloads are built in memory and sent as PDFs; nothing is marked printed until a
person confirms the sheet came out right ("The sheet printed correctly").
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for

from tilegen.tile import MIN_MODULE_MM, qr_module_mm
from webapp.accounts.teams import public_base_url, team_today
from webapp.errors import BadInput, NotFound
from webapp.printing import queues
from webapp.printing.address import base_url_problem, tile_base_url
from webapp.printing.pdf_buffer import written_pdf
from webapp.printing.sheet_start import next_start, remember_next_start
from webapp.printing.team_kit import (
    label_templates,
    printer_for,
    write_team_board_kit,
    write_team_calibration,
)
from webapp.web.access import current_team, request_actor, role_required
from webapp.web.extensions import get_db
from webapp.web.form_values import field, field_list, query_field
from webapp.web.refused_forms import refused_form

bp = Blueprint("printing", __name__, url_prefix="/printing")


def _start() -> int:
    value = query_field("start", as_typed=True) or "1"
    if not value.isdigit() or int(value) < 1:
        raise BadInput(f"start must be a label number from 1, not {value!r}")
    return int(value)


def _pdf(write, filename: str):
    """Run a writer into memory and send it; a bad choice (BadInput, or a writer's
    ValueError) is a 400 with its message, drawn by the app's error page."""
    return send_file(written_pdf(write), mimetype="application/pdf", as_attachment=True,
                     download_name=filename)  # fmt: skip


@bp.get("/")
@role_required("manager")
def index():
    from printables.templates import DEFAULT_STICKER_TEMPLATE, DEFAULT_TILE_TEMPLATE

    db, team = get_db(), current_team()
    printer = printer_for(team)
    templates = label_templates(printer["paper"])
    base_url = public_base_url(db, team)
    pending = queues.pending_stickers(db, team, team_today(team))
    return render_template(
        "printing/index.html",
        team=team,
        printer=printer,
        pending=pending,
        never_printed=queues.never_printed(db, team, pending),
        sticker_start=next_start(db, team, "sticker"),
        unprinted=queues.open_tiles(db, team, unprinted=True),
        open_count=len(queues.open_tiles(db, team)),
        tile_templates=templates["tile"],
        sticker_templates=templates["sticker"],
        tile_default=DEFAULT_TILE_TEMPLATE.get(printer["paper"]),
        sticker_default=DEFAULT_STICKER_TEMPLATE.get(printer["paper"]),
        base_url=base_url,
        base_url_problem=base_url_problem(db, team),
        module_mm=qr_module_mm(base_url),
        min_module_mm=MIN_MODULE_MM,
    )


# -- date stickers ------------------------------------------------------------------


@bp.get("/stickers.pdf")
@role_required("manager")
def stickers_pdf():
    from printables.sticker_sheets import write_sticker_sheets

    db, team = get_db(), current_team()
    today = team_today(team)
    tokens = request.args.getlist("token")
    chosen = queues.stickers_to_print(db, team, tokens, pending=not tokens, today=today)
    printer = printer_for(team, template=request.args.get("template"))

    def write(buffer):
        write_sticker_sheets(chosen, buffer, start=_start(), printed_on=today, **printer)

    return _pdf(write, f"stickers-{today.isoformat()}.pdf")


def _confirm(mark, what: str, done: str):
    """The sheet printed correctly: mark the listed tokens printed and go back."""
    tokens = field_list("token")
    if not tokens:
        raise BadInput(f"No {what}s were listed to confirm.")
    mark(get_db(), current_team(), tokens, actor=request_actor())
    if what == "date sticker" and field("start", None, as_typed=True):
        template = field("template", None, as_typed=True)
        remember_next_start(get_db(), current_team(), "sticker", template, _start(), len(tokens))
    flash(f"{len(tokens)} {what}{'s' if len(tokens) != 1 else ''} marked printed.{done}")
    return redirect(url_for("printing.index"))


#: A confirm that cannot be done goes back to the printing page with the reason.
_back_to_printing = refused_form(lambda: url_for("printing.index"), refuses=(BadInput, NotFound))


@bp.post("/stickers/confirm")
@role_required("manager")
@_back_to_printing
def stickers_confirm():
    """The sticker sheet printed correctly: the listed stickers leave the queue."""
    return _confirm(queues.mark_stickers_printed, "date sticker", " Stick them on the tiles.")


# -- tiles ------------------------------------------------------------------------------


@bp.get("/tiles.pdf")
@role_required("manager")
def tiles_pdf():
    from printables.sheets import write_tile_sheets

    db, team = get_db(), current_team()
    tokens = request.args.getlist("token")
    which = request.args.get("which") or (None if tokens else "unprinted")
    tiles = queues.tiles_to_print(db, team, tokens, which)
    printer = printer_for(team, template=request.args.get("template"))

    base_url = tile_base_url(db, team)

    def write(buffer):
        write_tile_sheets(
            tiles,
            buffer,
            base_url=base_url,
            team_name=team["name"],
            start=_start(),
            **printer,
        )

    return _pdf(write, f"tiles-{which or 'chosen'}.pdf")


@bp.post("/tiles/confirm")
@role_required("manager")
@_back_to_printing
def tiles_confirm():
    return _confirm(queues.mark_tiles_printed, "tile", "")


# -- board kit and calibration ----------------------------------------------------------


@bp.get("/board-kit.pdf")
@role_required("manager")
def board_kit():
    db, team = get_db(), current_team()
    return _pdf(lambda buffer: write_team_board_kit(db, team, buffer), "board-kit.pdf")


@bp.get("/calibration.pdf")
@role_required("manager")
def calibration():
    team = current_team()
    return _pdf(lambda buffer: write_team_calibration(team, buffer), "calibration.pdf")
