"""The six boards on screen, side by side as on the wall."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request, send_file
from flask_login import login_required

from tilegen.standard import ZONE_NAMES
from webapp.accounts.teams import stage_names, team_today
from webapp.cases.families import list_families, team_workers
from webapp.cases.meetings import weeks_without_meeting
from webapp.scans.unattended import waiting_notice
from webapp.scans.unseen import not_seen
from webapp.web import audit_trail
from webapp.web.access import current_team
from webapp.web.extensions import get_db

bp = Blueprint("board", __name__)


def wall(
    families: list[dict], names: dict[int, str], missing: dict[str, str | None] | None = None
) -> list[dict]:
    """Stage -> zone -> tiles, each tile in the zone it was last seen in on its board
    (or the zone it belongs in, when it has not been photographed there); ``missing``
    (token -> last seen) marks the tiles the last applied scan did not find."""
    missing = missing or {}
    boards = [
        {"stage": stage, "name": name, "zones": {z: [] for z in ZONE_NAMES}, "count": 0}
        for stage, name in sorted(names.items())
    ]
    by_stage = {b["stage"]: b for b in boards}
    for f in families:
        board = by_stage.get(f["stage"])
        if board is None:
            continue
        seen_here = f["last_stage"] == f["stage"] and f["zone"] in ZONE_NAMES
        zone = f["zone"] if seen_here else f["expected_zone"]
        unseen = (
            {"not_seen": True, "seen_last": missing[f["token"]]} if f["token"] in missing else {}
        )
        board["zones"][zone].append({**f, "seen_here": seen_here, **unseen})
        board["count"] += 1
    return boards


@bp.get("/fonts/board-code.ttf")
def code_font():
    """The face board codes are drawn in on the tiles (capital I and small l differ), for
    the same codes on screen; public, like the stylesheet that names it."""
    from tilegen.fonts import font_path

    return send_file(font_path("code"), mimetype="font/ttf", max_age=7 * 24 * 3600)


@bp.route("/")
@login_required
def index():
    db = get_db()
    team = current_team()
    worker = request.args.get("worker") or None
    families = list_families(db, team, worker=worker)
    audit_trail.showed(f["token"] for f in families)
    workers = team_workers(db, team)
    boards = wall(families, stage_names(db, team), not_seen(db, team))
    counts = {s: sum(1 for f in families if f["status"] == s) for s in ("red", "amber", "green")}
    to_move = sum(1 for f in families if f["should_move"] or f["wrong_board"])
    today = team_today(team)
    return render_template(
        "board/index.html",
        boards=boards,
        workers=workers,
        worker=worker,
        counts=counts,
        to_move=to_move,
        today=today,
        team=team,
        no_meeting=weeks_without_meeting(db, team, today - timedelta(weeks=4), today),
        camera_notice=waiting_notice(db, team),
    )
