"""Which team a user of several teams is looking at (service managers, heads of practice)."""

from __future__ import annotations

from flask import Blueprint, redirect, session, url_for
from flask_login import current_user, login_required

from webapp.accounts.people import readable_team
from webapp.web.access import TEAM_KEY, current_team, current_user_teams
from webapp.web.extensions import get_db
from webapp.web.form_values import field
from webapp.web.redirects import safe_next

bp = Blueprint("people", __name__)


@bp.post("/team")
@login_required
def switch_team():
    """Look at another of one's teams; a team the user does not read is ignored."""
    team = readable_team(get_db(), current_user.row, field("team_id", None, as_typed=True))
    session[TEAM_KEY] = team["id"]
    return redirect(safe_next(field("next", None, as_typed=True), url_for("board.index")))


@bp.app_context_processor
def team_switcher():
    """The teams for the switcher in the top bar (shown only to users of several)."""
    if not current_user.is_authenticated:
        return {}
    return {"switch_teams": current_user_teams, "shown_team": current_team}
