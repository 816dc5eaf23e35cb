"""The admin's import of a case-system export: upload, choose columns, preview, confirm.

The upload is parsed in memory (:mod:`webapp.web.upload_request`) and never kept. The preview
page carries only family groups (codes, dates, references), signed so the confirm step
can trust them; it is not cached by the browser because it shows the first rows.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from webapp.cases.imports import ImportRefused
from webapp.cases.imports.limits import TooLarge
from webapp.cases.imports.mappings import forget_mapping, import_settings, save_synonyms
from webapp.cases.imports.page import (
    FIELD_CHOICES,
    confirm_import,
    parse_stage_choice,
    preview_upload,
)
from webapp.errors import BadInput, NotFound
from webapp.web.access import current_team, role_required
from webapp.web.extensions import get_db
from webapp.web.redirects import back_with_error

bp = Blueprint("imports", __name__, url_prefix="/admin/import")

#: How long a preview may wait for its confirm.
PREVIEW_MAX_AGE_S = 3600


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="caseboard.import-preview")


def _upload_form() -> str:
    return url_for("admin.page_families") + "#import"


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _form_fields() -> dict[int, str]:
    """The drop-downs above the columns (``column-0``, ``column-1``, ...), if posted."""
    fields = {}
    for key, value in request.form.items():
        prefix, _, index = key.partition("-")
        if prefix == "column" and index.isdigit():
            fields[int(index)] = value
    return fields


@bp.post("/preview")
@role_required("admin")
def preview():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return back_with_error("choose an export file (.xlsx or .csv) to import", _upload_form())
    team = current_team()
    try:
        shown = preview_upload(
            get_db(),
            team,
            upload.read(),
            upload.filename,
            _form_fields(),
            use_saved=request.form.get("columns") != "common",
            default_stage=parse_stage_choice(request.form.get("default_stage")),
        )
    except TooLarge:
        raise  # a file past the limits: the 400 page says which limit
    except (BadInput, NotFound) as exc:
        return back_with_error(exc, _upload_form())
    html = render_template(
        "admin/import.html",
        team=team,
        filename=upload.filename,
        preview=shown,
        plan=shown.plan,
        choices=FIELD_CHOICES,
        carry=_signer().dumps(shown.carry),
        use_saved=request.form.get("columns") != "common",
        default_stage=request.form.get("default_stage") or "",
    )
    return _no_store(current_app.make_response((html, 400 if shown.plan.errors else 200)))


@bp.post("/confirm")
@role_required("admin")
def confirm():
    team = current_team()
    try:
        carry = _signer().loads(request.form.get("carry", ""), max_age=PREVIEW_MAX_AGE_S)
    except BadSignature:
        return back_with_error("that preview has expired: upload the file again", _upload_form())
    try:
        plan = confirm_import(get_db(), team, carry, user_id=current_user.user_id)
    except ImportRefused as exc:
        return back_with_error(
            f"Nothing was imported: the families changed since the preview ({exc})",
            _upload_form(),
        )
    except (BadInput, NotFound) as exc:
        return back_with_error(exc, _upload_form())
    return render_template("admin/import_done.html", team=team, plan=plan)


@bp.app_template_global("import_settings")
def _import_settings(team: dict) -> dict:
    """The team's saved columns and synonyms, for the admin page's import section."""
    return import_settings(get_db(), team)


@bp.post("/mapping/forget")
@role_required("admin")
def mapping_forget():
    forgotten = forget_mapping(get_db(), current_team())
    flash(
        "The saved columns are forgotten: the next file is read by its headers."
        if forgotten
        else "There were no saved columns."
    )
    return redirect(_upload_form())


@bp.post("/words")
@role_required("admin")
def words():
    try:
        found = save_synonyms(get_db(), current_team(), request.form.get("words", ""))
    except BadInput as exc:
        return back_with_error(exc, _upload_form())
    flash(f"Saved {len(found)} word{'' if len(found) == 1 else 's'} for imports.")
    return redirect(_upload_form())
