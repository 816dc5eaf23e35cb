"""The admin pages: the team's families, users and settings (admins only, own team only)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.accounts import team_admin
from webapp.accounts.teams import boards, team_settings
from webapp.accounts.users import ROLES, add_user, api_tokens, revoke_api_token, team_users
from webapp.cases import lifecycle
from webapp.cases.families import (
    add_family,
    list_families,
)
from webapp.doctor import run_checks
from webapp.errors import BadInput
from webapp.printing.address import base_url_problem
from webapp.scans import camera, camera_check
from webapp.values.workdays import WEEKDAYS
from webapp.web.access import current_team, request_actor, role_required, team_family
from webapp.web.case_forms import close_fields, reopen_fields
from webapp.web.extensions import get_db
from webapp.web.form_values import field, field_list, form_fields
from webapp.web.refused_forms import refused_form

bp = Blueprint("admin", __name__, url_prefix="/admin")


#: The admin pages: (name, label, what it holds); "overview" is /admin/ itself.
PAGES = (
    ("overview", "Overview", "deployment checks"),
    ("families", "Families", "add, close and reopen families; import a case-system export"),
    ("people", "Users", "users, their roles and passwords; API tokens"),
    ("team", "Team and boards", "base URL, amber window, meeting day; the six boards' sections"),
    ("printer", "Printer", "paper and the offsets the calibration page measures"),
    ("camera", "Wall camera", "scheduled captures and whether a camera will do"),
)
#: Which page holds each form (the anchors the forms redirect back to).
PAGE_OF = {"families": "families", "import": "families", "users": "people", "tokens": "people",
           "team": "team", "boards": "team", "printer": "printer", "camera": "camera"}  # fmt: skip


def _page(status: int = 200, page: str = "overview", **extra):
    db = get_db()
    team = current_team()
    from printables.templates import PAPERS

    context = dict(
        page=page,
        page_label=dict((n, label) for n, label, _ in PAGES)[page],
        admin_pages=PAGES,
        team=team,
        settings=team_settings(team),
        families=list_families(db, team, include_closed=True),
        users=team_users(db, team),
        tokens=api_tokens(db, team=team),
        boards=[{**b, **team_admin.zone_fields(b)} for b in boards(db, team)],
        roles=ROLES,
        weekdays=WEEKDAYS,
        papers=list(PAPERS),
        camera=camera.camera_settings(team),
        camera_days=(camera.MEETING_DAY, *WEEKDAYS),
        camera_table=camera_check.camera_table(db, team),
        camera_measured=camera_check.last_measured(db, team),
        camera_figure=_camera_figure(db, team),
        base_url_problem=base_url_problem(db, team),
        checks=run_checks(
            db, current_app.config["DB"], current_app.config, current_app.instance_path
        ),
    )
    context.update(extra)
    return render_template("admin/index.html", **context), status


def _camera_figure(db, team) -> dict | None:
    """The "will this camera do?" answer for ?width=PX&boards=N, or None."""
    if not request.args.get("width"):
        return None
    try:
        width = int(request.args["width"])
        boards_n = int(request.args.get("boards") or 1)
        return camera_check.camera_figures(db, team, width, boards_n)
    except (ValueError, BadInput) as exc:
        return {"error": f"give the width in pixels and the number of boards ({exc})"}


def _section(anchor: str) -> str:
    """The admin page holding one of its forms, at that form, where a flashed message is read."""
    page = PAGE_OF.get(anchor.split("-", 1)[0] + ("s" if anchor.startswith("board-") else ""))
    return url_for(f"admin.page_{page or 'families'}") + f"#{anchor}"


def _done(message: str, anchor: str):
    flash(message)
    return redirect(_section(anchor))


@bp.get("/")
@role_required("admin")
def index():
    return _page()


def _section_view(page: str):
    @role_required("admin")
    def view():
        return _page(page=page)

    return view


for _name, _label, _words in PAGES[1:]:  # one GET page each: /admin/families, /admin/people...
    bp.add_url_rule(f"/{_name}", f"page_{_name}", _section_view(_name), methods=["GET"])


# -- families ---------------------------------------------------------------------


def _back(anchor: str):
    """Where a refused admin form goes back to: its section of the admin pages."""
    return lambda **_: _section(anchor)


@bp.post("/families")
@role_required("admin")
@refused_form(_back("families"))
def family_add():
    view = add_family(
        get_db(),
        current_team(),
        actor=request_actor(),
        **form_fields("initials", "stage", "review", "ref", "worker"),
        opened=field("opened", as_typed=True) or None,
        case_type=field("case_type", as_typed=True) or None,
        flags=field_list("flags"),
    )
    return _done(f"Added {view['initials']}: tile token {view['token']}.", "families")


#: What closing or reopening does, the form's fields, and what to tell the admin about the
#: tile afterwards. Closing asks for the views considered and the scaling, as on the tile page.
_CASE_CHANGES = {
    "close": (
        lifecycle.close_case,
        lambda: close_fields(closed_as="closed"),
        "Closed {}: take its tile off the board.",
    ),
    "reopen": (
        lifecycle.reopen_case,
        reopen_fields,
        "Reopened {} as a new episode: put its tile back on the board.",
    ),
}


@bp.post("/families/<token>/<any(close, reopen):change>")
@role_required("admin")
@refused_form(_back("families"))
def family_change(token: str, change: str):
    row = team_family(token)
    apply, fields, done = _CASE_CHANGES[change]
    apply(get_db(), row, current_team(), **fields(), actor=request_actor())
    return _done(done.format(row["initials"]), "families")


# -- users --------------------------------------------------------------------------


@bp.post("/users")
@role_required("admin")
@refused_form(_back("users"))
def user_add():
    row = add_user(
        get_db(),
        field("username", as_typed=True),
        field("role", as_typed=True),
        field("password", as_typed=True),
        current_team()["name"],
        email=field("email") or None,
        full_name=field("full_name", None, as_typed=True),
    )
    return _done(f"Added {row['username']} ({row['role']}).", "users")


@bp.post("/users/<int:user_id>/active")
@role_required("admin")
@refused_form(_back("users"))
def user_active(user_id: int):
    active = field("active", as_typed=True) == "1"
    row = team_admin.set_active(
        get_db(), current_team(), user_id, active, acting_id=current_user.user_id
    )
    return _done(f"{row['username']} {'reactivated' if active else 'deactivated'}.", "users")


@bp.post("/users/<int:user_id>/password")
@role_required("admin")
@refused_form(_back("users"))
def user_password(user_id: int):
    row = team_admin.reset_password(
        get_db(), current_team(), user_id, field("password", as_typed=True),
        acting_id=current_user.user_id,
    )  # fmt: skip
    return _done(f"Password of {row['username']} reset.", "users")


@bp.post("/users/<int:user_id>/sign-out")
@role_required("admin")
def user_sign_out(user_id: int):
    """End every session and remember cookie of the user (e.g. a lost phone)."""
    row = team_admin.sign_out_everywhere(get_db(), current_team(), user_id)
    return _done(f"{row['username']} is signed out everywhere.", "users")


@bp.post("/tokens/<int:token_id>/revoke")
@role_required("admin")
def token_revoke(token_id: int):
    row = revoke_api_token(get_db(), token_id, team=current_team())
    return _done(f"API token {row['prefix']}… of {row['username']} revoked.", "tokens")


# -- settings -----------------------------------------------------------------------

#: The team settings form's fields, as :func:`team_admin.update_team` takes them.
TEAM_FIELDS = ("amber_days", "base_url", "timezone", "marker_base", "meeting_day",
               "rereferral_months")  # fmt: skip
PRINTER_FIELDS = ("x_offset_mm", "y_offset_mm", "paper")
BOARD_FIELDS = ("name", "width_mm", "height_mm", "marker_mm", "default_zones")


@bp.post("/team")
@role_required("admin")
@refused_form(_back("team"))
def team_update():
    team_admin.update_team(get_db(), current_team(), **form_fields(*TEAM_FIELDS))
    return _done("Team settings saved.", "team")


@bp.post("/printer")
@role_required("admin")
@refused_form(_back("printer"))
def printer_update():
    team_admin.update_printer(get_db(), current_team(), **form_fields(*PRINTER_FIELDS))
    return _done("Printer settings saved.", "printer")


@bp.post("/boards/<int:stage>")
@role_required("admin")
@refused_form(lambda stage: _section(f"board-{stage}"))
def board_update(stage: int):
    row = team_admin.update_board(
        get_db(), current_team(), stage, **form_fields(*BOARD_FIELDS),
        edges=form_fields(*team_admin.EDGE_FIELDS),
    )  # fmt: skip
    return _done(f"Board {stage} ({row['name']}) saved.", f"board-{stage}")


@bp.post("/camera")
@role_required("admin")
@refused_form(_back("camera"))
def camera_update():
    camera.update_camera(get_db(), current_team(), form_fields(*camera.CAMERA_FIELDS))
    return _done("Camera settings saved.", "camera")
