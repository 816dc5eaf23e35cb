"""Photograph and sync: upload board photos, check the preview, apply it.

The preview changes nothing; apply writes it in one transaction, once
(see :mod:`webapp.scans`, shared with the API and ``caseboard scan --apply``).
"""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from webapp.accounts.teams import stage_names
from webapp.scans import applying, camera, capturing, intake, records
from webapp.values.actor import Actor
from webapp.web import scan_worker
from webapp.web.access import current_team, request_actor, role_required
from webapp.web.extensions import get_db
from webapp.web.redirects import back_with_error

bp = Blueprint("scans", __name__, url_prefix="/scans")


@bp.route("/new")
@role_required("manager")
def new():
    db, team = get_db(), current_team()
    return render_template(
        "scans/new.html",
        recent=records.recent_scans(db, team),
        camera=camera.camera_settings(team),
    )


@bp.route("", methods=["POST"])
@role_required("manager")
def upload():
    """Photos -> a stored preview; a refused upload goes back to the form with the reason."""
    # over MAX_CONTENT_LENGTH, reading the files raises 413: the app's error page answers it
    files = [f for f in request.files.getlist("photo") if f.filename or f.content_length]
    taken = intake.take_in(
        get_db(),
        current_team(),
        [(f.filename, f.read()) for f in files],
        actor=request_actor(),
        max_megapixels=current_app.config["SCAN_MAX_MEGAPIXELS"],
        scanner=scan_worker.scanner(),
    )
    if taken.refusal:
        return _refused(taken, "Nothing was scanned", url_for("scans.new"))
    return redirect(url_for("scans.show", scan_id=taken.scan["id"]))


@bp.route("/capture", methods=["POST"])
@role_required("manager")
def capture():
    """ "Capture now": the team's camera takes one photo and it is scanned into a preview
    (never applied by itself: the manager is looking at it)."""
    taken, _ = capturing.take_photo(
        get_db(),
        current_team(),
        apply_if_clean=False,
        trigger="request",
        actor=Actor.camera(current_user.user_id),
    )
    if taken.refusal:
        return back_with_error(f"Nothing was captured: {taken.refused}", url_for("scans.new"))
    return redirect(url_for("scans.show", scan_id=taken.scan["id"]))


@bp.route("/queue.json")
@role_required("manager")
def queue():
    """How many scans wait for a worker: the scan page shows it while its photos wait."""
    found = scan_worker.queue()
    return {"waiting": found.waiting() if found else 0}


@bp.route("/<int:scan_id>")
@role_required("manager")
def show(scan_id):
    scan = records.get_scan(get_db(), current_team(), scan_id)
    names = stage_names(get_db(), current_team())
    return render_template("scans/preview.html", scan=scan, names=names)


@bp.route("/<int:scan_id>/photos", methods=["POST"])
@role_required("manager")
def add_photo(scan_id):
    """More photos for an open preview (a second photo of a board); back to the preview."""
    files = [f for f in request.files.getlist("photo") if f.filename or f.content_length]
    taken = intake.take_in(
        get_db(),
        current_team(),
        [(f.filename, f.read()) for f in files],
        into=scan_id,
        actor=request_actor(),
        max_megapixels=current_app.config["SCAN_MAX_MEGAPIXELS"],
        scanner=scan_worker.scanner(),
    )
    if taken.refusal:
        back = url_for("scans.show", scan_id=scan_id)
        return _refused(taken, "No photo was added", back)
    return redirect(url_for("scans.show", scan_id=taken.scan["id"]))


def _refused(taken: intake.Intake, what: str, back: str):
    """A refused scan: past the limits, 413 or 429 with the reason (as the API answers);
    otherwise back to the form with it."""
    if taken.over_limit:
        raise taken.refusal
    return back_with_error(f"{what}: {taken.refused}", back)


@bp.route("/<int:scan_id>/photo/<int:position>.jpg")
@role_required("manager")
def photo(scan_id, position):
    jpeg = records.scan_image(get_db(), current_team(), scan_id, position)
    return send_file(io.BytesIO(jpeg), mimetype="image/jpeg")  # no-store: it shows the boards


@bp.route("/<int:scan_id>/apply", methods=["POST"])
@role_required("manager")
def apply(scan_id):
    scan = records.get_scan(get_db(), current_team(), scan_id)
    summary = applying.apply_scan(get_db(), current_team(), scan["id"], actor=request_actor())
    if summary["applied"]:
        flash(f"Scan {scan['id']} applied: {summary['note']}.")
    else:
        flash(f"Nothing changed: {summary['note']}.")
    waiting = summary["stickers_pending"]
    if waiting and "printing.index" in current_app.view_functions:
        stickers = url_for("printing.index", _anchor="stickers")
        flash(
            f"Print the {waiting} date sticker{'s' * (waiting != 1)} now waiting",
            f"link:{stickers}",
        )
    return redirect(url_for("board.index"))
