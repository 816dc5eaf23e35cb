"""Photograph and sync: upload board photos, check the preview, apply it.

The preview changes nothing; apply writes it in one transaction, once
(see :mod:`webapp.cases.sync`, shared with the API and ``caseboard scan --apply``).
"""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from webapp.cases.sync import applying, previews, records, uploads
from webapp.cases.teams import stage_names
from webapp.errors import BadInput, NotFound
from webapp.web.access import current_team, role_required
from webapp.web.extensions import get_db

bp = Blueprint("scans", __name__, url_prefix="/scans")


def _upload_page(message: str | None = None, status: int = 200):
    if message:
        flash(message, "error")
    db, team = get_db(), current_team()
    return render_template("scans/new.html", recent=records.recent_scans(db, team)), status


@bp.route("/new")
@role_required("manager")
def new():
    return _upload_page()


@bp.route("", methods=["POST"])
@role_required("manager")
def upload():
    # over MAX_CONTENT_LENGTH, reading the files raises 413: the app's error page answers it
    files = [f for f in request.files.getlist("photo") if f.filename or f.content_length]
    if not files:
        return _upload_page("Choose at least one photo of a board.", 400)
    db, team = get_db(), current_team()
    photos = uploads.numbered([(f.filename, f.read()) for f in files])
    try:
        max_mp = current_app.config.get("SCAN_MAX_MEGAPIXELS", uploads.MAX_MEGAPIXELS)
        scan_json, images = uploads.scan_uploads(db, team, photos, max_megapixels=max_mp)
        scan = previews.preview_scan(
            db,
            team,
            scan_json,
            current_user.user_id,
            photos_meta=uploads.photos_meta(photos),
            images=images,
            source="web",
        )
    except BadInput as exc:
        return _upload_page(f"Nothing was scanned: {exc}", 400)
    return redirect(url_for("scans.show", scan_id=scan["id"]))


def _scan_or_404(scan_id: int) -> dict:
    try:
        return records.get_scan(get_db(), current_team(), scan_id)
    except NotFound:
        abort(404)


@bp.route("/<int:scan_id>")
@role_required("manager")
def show(scan_id):
    scan = _scan_or_404(scan_id)
    names = stage_names(get_db(), current_team())
    return render_template("scans/preview.html", scan=scan, names=names)


@bp.route("/<int:scan_id>/photo/<int:position>.jpg")
@role_required("manager")
def photo(scan_id, position):
    try:
        jpeg = records.scan_image(get_db(), current_team(), scan_id, position)
    except NotFound:
        abort(404)
    response = send_file(io.BytesIO(jpeg), mimetype="image/jpeg", max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/<int:scan_id>/apply", methods=["POST"])
@role_required("manager")
def apply(scan_id):
    scan = _scan_or_404(scan_id)
    summary = applying.apply_scan(
        get_db(), current_team(), scan["id"], current_user.user_id, "web", ip=request.remote_addr
    )
    if summary["applied"]:
        flash(f"Scan {scan['id']} applied: {summary['note']}.")
    else:
        flash(f"Nothing changed: {summary['note']}.")
    return redirect(url_for("board.index"))
