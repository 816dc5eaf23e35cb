"""The team's review rules: everyone in the team reads them; managers change them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.rules.team_rules import EDITABLE, holiday_region, team_rules, update_rule
from webapp.web.access import current_team, role_required
from webapp.web.extensions import get_db

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
def update(key: str):
    """Save one rule: its ``param_*`` fields and whether it is active."""
    params = {
        name.removeprefix("param_"): value
        for name, value in request.form.items()
        if name.startswith("param_")
    }
    update_rule(
        get_db(),
        current_team(),
        key,
        params=params,
        active=request.form.get("active") == "1",
    )
    flash(f"Rule {key} saved.")  # the short name the command line uses
    return redirect(url_for("team_rules.index"))
