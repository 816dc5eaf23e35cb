"""The open alerts: everyone in the team reads them; managers record follow-ups and set
their own alerts (the tile page's alert list posts its follow-ups here too)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp.accounts.roles import SM
from webapp.accounts.teams import team_today
from webapp.cases.families import open_rows
from webapp.rules import alert_records, alerts
from webapp.rules.team_rules import ROLES
from webapp.values.dates import parse_date
from webapp.web.access import current_team, request_actor, role_required, team_family
from webapp.web.dates import longdate
from webapp.web.extensions import get_db
from webapp.web.form_values import date_field, field, requested_day
from webapp.web.redirects import safe_next
from webapp.web.refused_forms import refused_form

bp = Blueprint("alerts", __name__)


@bp.get("/alerts")
@login_required
def index():
    return _page(requested_day(current_team()))


def _page(on):
    """The alerts page as of ``on``."""
    team = current_team()
    return render_template(
        "rules/alerts.html",
        on=on,
        today=team_today(team),
        alerts=alerts.open_alerts(get_db(), team, on),
        families=open_rows(get_db(), team),
        missed=alerts.missed_reviews(get_db(), team, on),
        roles=ROLES,
        default_role=SM,
        can_write=current_user.can("manager"),
        can_set_alerts=current_user.can("manager", "service-manager", "head-of-practice"),
        may_follow_up=alert_records.may_follow_up,
        user_role=current_user.role,
        can_follow_up=current_user.can("manager", "service-manager", "head-of-practice"),
    )


#: A refused alerts form: the alerts page of today again, with the reason and a 400 (the
#: page is not read for the form's own ``date``).
_refused_here = refused_form(page=lambda: _page(team_today(current_team())))


@bp.post("/alerts/follow-up")
@role_required("manager", "service-manager", "head-of-practice")  # escalations are theirs
@_refused_here
def follow_up():
    """Record the follow-up, then go back to the page it was sent from (alerts or a tile)."""
    team = current_team()
    row = team_family(field("token"))
    alert_records.follow_up(
        get_db(),
        team,
        row["token"],
        field("key"),
        on=parse_date(
            date_field("date", "The follow-up date") or team_today(team), "follow-up date"
        ),
        due=field("due") or None,
        note=field("note"),
        actor=request_actor(),
        by_role=current_user.role,
    )
    flash(f"Follow-up recorded for {row['initials']}.")
    return redirect(safe_next(field("back", None, as_typed=True), url_for("alerts.index")))


@bp.post("/alerts/interim")
@role_required("manager")
@_refused_here
def interim():
    """Record an interim core assessment for a case with an s.47 date."""
    team = current_team()
    row = team_family(field("token"))
    record = alert_records.record_interim_assessment(
        get_db(),
        team,
        row["token"],
        on=date_field("date", "The date") or team_today(team),
        note=field("note"),
        actor=request_actor(),
    )
    late = f", late: the deadline was {longdate(record['deadline'])}" if record["late"] else ""
    flash(f"Interim assessment recorded for {row['initials']}{late}.")
    return redirect(url_for("alerts.index"))


@bp.post("/alerts/new")
@role_required("manager", "service-manager", "head-of-practice")  # they "can request" one
@_refused_here
def add():
    team = current_team()
    row = team_family(field("token"))
    alert_records.add_manager_alert(
        get_db(),
        team,
        row["token"],
        due_on=date_field("date", "The alert date"),
        action=field("action"),
        timescale=field("timescale"),
        role=field("role") or SM,
        actor=request_actor(),
    )
    flash(f"Alert set for {row['initials']} on {longdate(date_field('date'))}.")
    return redirect(url_for("alerts.index"))
