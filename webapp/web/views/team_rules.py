"""The team's review rules: everyone in the team reads them; managers change them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp.rules.team_rules import EDITABLE, holiday_region, team_rules, update_rule
from webapp.web.access import current_team, role_required
from webapp.web.extensions import get_db
from webapp.web.form_values import field, fields_named
from webapp.web.refused_forms import refused_form

bp = Blueprint("team_rules", __name__)


@bp.get("/rules")
@login_required
def index():
    team = current_team()
    return render_template(
        "rules/settings.html",
        rules=team_rules(get_db(), team),
        region=holiday_region(team),
        editable=EDITABLE,
        can_write=current_user.can("manager"),
    )


@bp.post("/rules/<key>")
@role_required("manager")
@refused_form(page=lambda: index())
def update(key: str):
    """Save one rule: its ``param_*`` fields and whether it is active."""
    update_rule(
        get_db(),
        current_team(),
        key,
        params=fields_named("param_"),
        active=field("active", as_typed=True) == "1",
    )
    flash(f"Rule {key} saved.")  # the short name the command line uses
    return redirect(url_for("team_rules.index"))
