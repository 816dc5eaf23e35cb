"""The rules pages: open alerts, supervision coverage, the clinic and the team's rules.

Everyone in the team can read them; managers (and admins) record follow-ups,
discussions, clinic bookings and change the rules. Every form carries a CSRF token.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.cases.families import open_rows, parse_date
from webapp.cases.teams import team_today
from webapp.errors import CaseboardError
from webapp.rules import alerts, clinic, meeting_audits, supervision
from webapp.rules.defaults import DISCUSSION_KINDS, SM
from webapp.rules.team_rules import ROLES, holiday_region, team_rules, update_rule
from webapp.rules.workdays import month_bounds
from webapp.web.access import current_team, role_required, team_family
from webapp.web.extensions import get_db

bp = Blueprint("rules", __name__)
WRITERS = ("manager",)


def _day(team: dict) -> date:
    value = request.values.get("date")
    return parse_date(value, "date") if value else team_today(team)


def _failed(message: str):
    return render_template("rules/error.html", message=message), 400


def _do(action, done: str, back: str, **back_args):
    """Run a form's action; a bad field is a 400 page with one clear line."""
    try:
        action()
    except CaseboardError as exc:
        return _failed(str(exc))
    flash(done)
    return redirect(url_for(back, **back_args))


def _form(name: str) -> str:
    return (request.form.get(name) or "").strip()


# -- alerts ---------------------------------------------------------------------------


@bp.get("/alerts", endpoint="alerts")
@login_required
def alerts_page():
    team = current_team()
    try:
        on = _day(team)
    except CaseboardError as exc:
        return _failed(str(exc))
    found = alerts.open_alerts(get_db(), team, on)
    return render_template(
        "rules/alerts.html",
        on=on,
        today=team_today(team),
        alerts=found,
        roles=ROLES,
        default_role=SM,
        can_write=current_user.can(*WRITERS),
    )


@bp.post("/alerts/follow-up", endpoint="follow_up")
@role_required(*WRITERS)
def follow_up():
    team = current_team()
    row = team_family(_form("token"))
    back = request.form.get("back") or url_for("rules.alerts")

    def act():
        alerts.follow_up(
            get_db(),
            team,
            row["token"],
            _form("key"),
            on=parse_date(_form("date") or team_today(team), "follow-up date"),
            note=_form("note"),
            user_id=current_user.user_id,
        )

    try:
        act()
    except CaseboardError as exc:
        return _failed(str(exc))
    flash(f"Follow-up recorded for {row['initials']}.")
    return redirect(back if back.startswith("/") else url_for("rules.alerts"))


@bp.post("/alerts/new", endpoint="add_alert")
@role_required(*WRITERS)
def add_alert():
    team = current_team()
    row = team_family(_form("token"))
    return _do(
        lambda: alerts.add_manager_alert(
            get_db(),
            team,
            row["token"],
            due_on=_form("date"),
            action=_form("action"),
            timescale=_form("timescale"),
            role=_form("role") or SM,
            user_id=current_user.user_id,
        ),
        f"Alert set for {row['initials']} on {_form('date')}.",
        "rules.alerts",
    )


# -- supervision ----------------------------------------------------------------------


@bp.get("/supervision", endpoint="supervision")
@login_required
def supervision_page():
    team = current_team()
    db = get_db()
    today = team_today(team)
    try:
        month = request.args.get("month")
        year, mon = supervision.parse_month(month) if month else (today.year, today.month)
        report = supervision.coverage(db, team, year, mon, as_of=today)
    except CaseboardError as exc:
        return _failed(str(exc))
    first, last = month_bounds(year, mon)
    return render_template(
        "rules/supervision.html",
        report=report,
        discussions=supervision.discussions(
            db, team, start=first, end=min(last, today), today=today
        ),
        flagged=supervision.flagged_records(db, team, today),
        families=open_rows(db, team),
        kinds=DISCUSSION_KINDS,
        today=today,
        region=holiday_region(team),
        can_write=current_user.can(*WRITERS),
    )


@bp.post("/supervision/discussions", endpoint="add_discussion")
@role_required(*WRITERS)
def add_discussion():
    team = current_team()
    row = team_family(_form("token"))
    return _do(
        lambda: supervision.add_discussion(
            get_db(),
            team,
            row["token"],
            on=_form("date"),
            kind=_form("kind"),
            who=_form("who"),
            significant=bool(request.form.get("significant")),
            recorded_on=_form("recorded") or None,
            note=_form("note"),
            user_id=current_user.user_id,
        ),
        f"Discussion of {row['initials']} recorded.",
        "rules.supervision",
    )


@bp.post("/supervision/discussions/<int:discussion_id>/recorded", endpoint="mark_recorded")
@role_required(*WRITERS)
def mark_recorded(discussion_id: int):
    team = current_team()
    return _do(
        lambda: supervision.mark_recorded(
            get_db(), team, discussion_id, _form("date") or team_today(team)
        ),
        "Record noted.",
        "rules.supervision",
    )


# -- clinic ---------------------------------------------------------------------------


@bp.get("/clinic", endpoint="clinic")
@login_required
def clinic_page():
    team = current_team()
    db = get_db()
    try:
        on = _day(team)
    except CaseboardError as exc:
        return _failed(str(exc))
    week = clinic.week_bookings(db, team, on)
    return render_template(
        "rules/clinic.html",
        week=week,
        day=date.fromisoformat(week["day"]),
        waiting=clinic.waiting_requests(db, team),
        families=open_rows(db, team),
        purposes=clinic.PURPOSE_LABELS,
        minutes=clinic.PURPOSES,
        today=team_today(team),
        can_write=current_user.can(*WRITERS),
    )


@bp.post("/clinic/requests", endpoint="clinic_request")
@role_required(*WRITERS)
def clinic_request():
    team = current_team()
    row = team_family(_form("token"))
    return _do(
        lambda: clinic.request_clinic(
            get_db(),
            team,
            row["token"],
            _form("purpose"),
            on=team_today(team),
            user_id=current_user.user_id,
        ),
        f"{row['initials']} flagged for the clinic.",
        "rules.clinic",
    )


@bp.post("/clinic/bookings", endpoint="clinic_book")
@role_required(*WRITERS)
def clinic_book():
    team = current_team()
    row = team_family(_form("token"))
    return _do(
        lambda: clinic.book(
            get_db(),
            team,
            row["token"],
            day=_form("day"),
            start=_form("start"),
            purpose=_form("purpose"),
            user_id=current_user.user_id,
        ),
        f"{row['initials']} booked at {_form('start')}.",
        "rules.clinic",
        date=_form("day") or None,
    )


@bp.post("/clinic/bookings/<int:booking_id>/actions", endpoint="clinic_action")
@role_required(*WRITERS)
def clinic_action(booking_id: int):
    team = current_team()
    return _do(
        lambda: clinic.add_action(
            get_db(),
            team,
            booking_id,
            text=_form("text"),
            owner=_form("owner"),
            due_on=_form("due"),
        ),
        "Action recorded.",
        "rules.clinic",
        date=_form("day") or None,
    )


@bp.post("/clinic/actions/<int:action_id>/done", endpoint="clinic_done")
@role_required(*WRITERS)
def clinic_done(action_id: int):
    team = current_team()
    return _do(
        lambda: clinic.complete_action(get_db(), team, action_id, team_today(team)),
        "Action marked done.",
        "rules.clinic",
        date=_form("day") or None,
    )


# -- the team's rules -------------------------------------------------------------------


@bp.get("/rules", endpoint="settings")
@login_required
def settings_page():
    team = current_team()
    return render_template(
        "rules/settings.html",
        rules=team_rules(get_db(), team),
        region=holiday_region(team),
        can_write=current_user.can(*WRITERS),
    )


@bp.post("/rules/<key>", endpoint="update")
@role_required(*WRITERS)
def update(key: str):
    team = current_team()
    params = {
        name[len("param_") :]: value
        for name, value in request.form.items()
        if name.startswith("param_")
    }
    return _do(
        lambda: update_rule(
            get_db(),
            team,
            key,
            params=params,
            active=request.form.get("active") == "1",
        ),
        f"Rule {key} saved.",
        "rules.settings",
    )


@bp.post("/audits", endpoint="add_audit")
@role_required(*WRITERS)
def add_audit():
    team = current_team()
    return _do(
        lambda: meeting_audits.add_audit(
            get_db(),
            team,
            on=_form("date") or team_today(team),
            auditor=_form("auditor"),
            note=_form("note"),
            user_id=current_user.user_id,
        ),
        "Meeting audit recorded.",
        "reports.drift",
    )
