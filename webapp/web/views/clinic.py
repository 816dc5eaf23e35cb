"""The weekly clinic: everyone in the team reads the week's bookings; managers flag
families for it, book slots and record and close the actions agreed."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.accounts.teams import team_settings, team_today
from webapp.cases.families import open_rows
from webapp.practice import clinic, clinic_audit, clinic_days, clinic_policy
from webapp.web.access import current_team, request_actor, role_required, team_family
from webapp.web.extensions import get_db
from webapp.web.form_values import field, requested_day
from webapp.web.refused_forms import refused_form

bp = Blueprint("clinic", __name__)


def _back_to_week(message: str):
    """Flash ``message`` and show the clinic week of the form's ``day`` (else this week)."""
    flash(message)
    return redirect(url_for("clinic.index", date=field("day") or None))


#: A refused clinic form: the clinic page again, with the reason and a 400.
_refused_here = refused_form(page=lambda: index())


@bp.get("/clinic")
@role_required("manager")  # the README's table: not practitioners
def index():
    team = current_team()
    db = get_db()
    today = team_today(team)
    asked = request.args.get("date")
    on = requested_day(team) if asked else clinic_days.next_open_clinic(team, today)
    week = clinic.week_bookings(db, team, on, today=today)
    quarter = request.args.get("quarter") or f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    return render_template(
        "rules/clinic.html",
        quarter=clinic_audit.quarterly_report(db, team, quarter),
        service=team_settings(team).get("service"),
        week=week,
        day=date.fromisoformat(week["day"]),
        waiting=clinic.waiting_requests(db, team),
        families=open_rows(db, team),
        purposes=clinic.PURPOSE_LABELS,
        minutes=clinic.PURPOSES,
        today=today,
        can_write=current_user.can("manager"),
    )


@bp.post("/clinic/requests")
@role_required("manager")
@_refused_here
def add_request():
    team = current_team()
    row = team_family(field("token"))
    record = clinic_policy.request(
        get_db(),
        team,
        row["token"],
        field("purpose"),
        on=team_today(team),
        actor=request_actor(),
    )
    flash(f"{row['initials']} flagged for the clinic.")
    if record["warning"]:
        flash(f"Warning: {record['warning']}.")
    return redirect(url_for("clinic.index"))


@bp.post("/clinic/bookings")
@role_required("manager")
@_refused_here
def book():
    """Book a free slot; a refused one shows the clinic page with the reason (400) and writes
    nothing."""
    team = current_team()
    row = team_family(field("token"))
    clinic.book(
        get_db(),
        team,
        row["token"],
        day=field("day"),
        start=field("start"),
        purpose=field("purpose"),
        actor=request_actor(),
    )
    return _back_to_week(f"{row['initials']} booked at {field('start')}.")


@bp.post("/clinic/bookings/<int:booking_id>/record")
@role_required("manager")
@_refused_here
def tick(booking_id: int):
    """Tick a document as ready or the case note as sent to one recipient."""
    team = current_team()
    record = clinic.tick(
        get_db(),
        team,
        booking_id,
        field("kind"),
        field("item"),
        on=team_today(team),
        actor=request_actor(),
    )
    return _back_to_week(f"{record['item']} ticked.")


@bp.post("/clinic/bookings/<int:booking_id>/attended")
@role_required("manager")
@_refused_here
def attended(booking_id: int):
    """Record who came to the session: the social worker, the team manager, or both."""
    seen = clinic_policy.record_attendance(
        get_db(),
        current_team(),
        booking_id,
        social_worker=bool(field("social_worker")),
        team_manager=bool(field("team_manager")),
    )
    return _back_to_week("Attended together." if seen["together"] else "Attendance recorded.")


@bp.post("/clinic/legal-steps")
@role_required("manager")
@_refused_here
def went():
    """Record that a case went to an LPM or into pre-proceedings (for the quarterly check)."""
    team = current_team()
    row = team_family(field("token"))
    clinic_audit.record_legal_step(
        get_db(),
        team,
        row["token"],
        field("purpose"),
        on=field("date") or team_today(team),
        actor=request_actor(),
    )
    flash(f"{row['initials']}: recorded.")
    return redirect(url_for("clinic.index"))


@bp.post("/clinic/bookings/<int:booking_id>/actions")
@role_required("manager")
@_refused_here
def add_action(booking_id: int):
    clinic.add_action(
        get_db(),
        current_team(),
        booking_id,
        text=field("text"),
        owner=field("owner"),
        due_on=field("due"),
    )
    return _back_to_week("Action recorded.")


@bp.post("/clinic/actions/<int:action_id>/done")
@role_required("manager")
@_refused_here
def action_done(action_id: int):
    team = current_team()
    clinic.complete_action(get_db(), team, action_id, team_today(team))
    return _back_to_week("Action marked done.")
