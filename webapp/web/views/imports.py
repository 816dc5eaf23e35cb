"""The admin's import of a case-system export: upload, choose columns, preview, confirm.

The upload is parsed in memory (:mod:`webapp.web.upload_request`) and never kept. The preview
page carries only family groups (codes, dates, references), signed so the confirm step
can trust them; it is not cached by the browser because it shows the first rows.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
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
from webapp.web.access import current_team, request_actor, role_required
from webapp.web.extensions import get_db
from webapp.web.form_values import field, fields_named
from webapp.web.refused_forms import refused_form

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
    fields = fields_named("column-")
    return {int(index): value for index, value in fields.items() if index.isdigit()}


#: A refused upload or confirm goes back to the upload form with the reason.
_refused = (BadInput, NotFound)


def _back_to_upload(**_) -> str:
    return _upload_form()


@bp.post("/preview")
@role_required("admin")
@refused_form(_back_to_upload, refuses=_refused, passes=(TooLarge,))  # TooLarge: the 400 page
def preview():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadInput("choose an export file (.xlsx or .csv) to import")
    team = current_team()
    use_saved = field("columns", None, as_typed=True) != "common"
    shown = preview_upload(
        get_db(),
        team,
        upload.read(),
        upload.filename,
        _form_fields(),
        use_saved=use_saved,
        default_stage=parse_stage_choice(field("default_stage", None, as_typed=True)),
    )
    html = render_template(
        "admin/import.html",
        team=team,
        filename=upload.filename,
        preview=shown,
        plan=shown.plan,
        choices=FIELD_CHOICES,
        carry=_signer().dumps(shown.carry),
        use_saved=use_saved,
        default_stage=field("default_stage", as_typed=True) or "",
    )
    return _no_store(current_app.make_response((html, 400 if shown.plan.errors else 200)))


def _confirm_words(exc: Exception) -> str:
    if isinstance(exc, BadSignature):
        return "that preview has expired: upload the file again"
    if isinstance(exc, ImportRefused):
        return f"Nothing was imported: the families changed since the preview ({exc})"
    return str(exc)


@bp.post("/confirm")
@role_required("admin")
@refused_form(_back_to_upload, refuses=(*_refused, BadSignature), words=_confirm_words)
def confirm():
    team = current_team()
    carry = _signer().loads(field("carry", as_typed=True), max_age=PREVIEW_MAX_AGE_S)
    plan = confirm_import(get_db(), team, carry, actor=request_actor())
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
@refused_form(_back_to_upload)
def words():
    found = save_synonyms(get_db(), current_team(), field("words", as_typed=True))
    flash(f"Saved {len(found)} word{'' if len(found) == 1 else 's'} for imports.")
    return redirect(_upload_form())
