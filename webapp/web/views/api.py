"""The JSON API (docs/contract.md §4): bearer tokens, team-scoped, exempt from CSRF.

A browser's session cookie means nothing here: every call needs
``Authorization: Bearer <token>`` from ``caseboard token create``. Errors are
answered as ``{"error": "..."}`` by the app's handlers (``webapp/web/error_pages.py``).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from webapp.accounts.teams import stage_names, team_by_id
from webapp.accounts.users import user_for_api_token
from webapp.cases import tile_changes
from webapp.cases.families import family_view, get_family_row
from webapp.errors import BadInput
from webapp.scans import applying, intake, previews, records
from webapp.store import access_log
from webapp.web import scan_worker
from webapp.web.access import request_actor
from webapp.web.extensions import User, csrf, get_db

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)


@bp.before_request
def bearer_auth():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    row = None
    if scheme.lower() == "bearer" and token.strip():
        row = user_for_api_token(get_db(), token.strip())
    if row is None:
        raise Unauthorized(
            "a valid API token is needed: Authorization: Bearer <token> "
            "(make one with `caseboard token create NAME`)",
            www_authenticate=WWWAuthenticate("Bearer", {"realm": "caseboard"}),
        )
    g.api_user = User(row)
    g.api_team = team_by_id(get_db(), row["team_id"])
    return None


def _managers_only() -> None:
    if not g.api_user.can("manager"):
        abort(403, "only managers and admins can send, read or apply scans")


@bp.get("/tiles/<token>")
def tile(token):
    db, team = get_db(), g.api_team
    row = get_family_row(db, token, team)
    access_log.record(
        db, team["id"], access_log.TILE_VIEW, row["token"], actor=request_actor(),
    )  # fmt: skip
    return _tile_json(db, team, row)


@bp.patch("/tiles/<token>")
def change_tile(token):
    """``next_review`` and/or ``stage`` (docs/contract.md §8): managers and admins only."""
    if not g.api_user.can("manager"):
        abort(403, "only managers and admins can change a tile")
    db, team = get_db(), g.api_team
    row = get_family_row(db, token, team)
    body = request.get_json(silent=True) if request.is_json else None
    if body is None:
        raise BadInput('send a JSON body such as {"next_review": "2026-01-31", "stage": 2}')
    updated = tile_changes.change_tile(db, row, team, body, actor=request_actor())
    return _tile_json(db, team, updated)


def _tile_json(db, team: dict, row: dict):
    """The tile as ``GET /api/tiles/<token>`` answers it."""
    view = family_view(db, row, team)
    keys = ("token", "initials", "stage", "zone", "next_review", "status", "should_move")
    extras = ("due", "expected_zone", "wrong_board", "last_stage", "last_seen_at", "closed")
    extras += ("codes", "closed_as")
    out = {k: view[k] for k in keys + extras}
    out["stage_name"] = stage_names(db, team).get(view["stage"])
    return jsonify(out)


@bp.post("/scans")
def create_scan():
    """Photos (multipart ``photo`` fields) or a scan JSON body -> a stored preview (201)."""
    _managers_only()
    db, team = get_db(), g.api_team
    files = request.files.getlist("photo")
    if files:
        scan = intake.preview_photos(
            db, team, [(f.filename, f.read()) for f in files],
            actor=request_actor(),
            max_megapixels=current_app.config["SCAN_MAX_MEGAPIXELS"],
            scanner=scan_worker.scanner(),
        )  # fmt: skip
    elif request.is_json:
        data = request.get_json(silent=True)
        if data is None:
            raise BadInput("the body is not valid JSON")
        scan = previews.preview_scan(db, team, data, actor=request_actor())
    else:
        raise BadInput(
            'send one or more multipart "photo" fields, or a JSON body like `caseboard scan --json`'
        )
    response = jsonify(records.public_preview(scan))
    response.status_code = 201
    response.headers["Location"] = f"/api/scans/{scan['id']}"
    return response


@bp.get("/scans/<int:scan_id>")
def show_scan(scan_id):
    _managers_only()  # as on the pages: scans are for managers and admins
    return jsonify(records.public_preview(records.get_scan(get_db(), g.api_team, scan_id)))


@bp.post("/scans/<int:scan_id>/apply")
def apply_scan(scan_id):
    _managers_only()
    summary = applying.apply_scan(get_db(), g.api_team, scan_id, actor=request_actor())
    return jsonify({"id": scan_id, **summary})
