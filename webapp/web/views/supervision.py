"""Supervision coverage for a month: everyone in the team reads it; managers record
case discussions and mark when they were written up."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.accounts.teams import team_today
from webapp.cases.families import open_rows
from webapp.practice import supervision, supervision_leave
from webapp.rules.defaults import DISCUSSION_KINDS, FREQUENCIES
from webapp.rules.team_rules import holiday_region
from webapp.values.actor import Actor
from webapp.values.workdays import month_bounds
from webapp.web.access import current_team, request_actor, role_required, team_family
from webapp.web.extensions import get_db
from webapp.web.form_values import field
from webapp.web.refused_forms import refused_form

bp = Blueprint("supervision", __name__)


#: A refused supervision form: the supervision page again, with the reason and a 400.
_refused_here = refused_form(page=lambda: index())


@bp.get("/supervision")
@role_required("manager")  # the README's table: not practitioners
def index():
    team = current_team()
    db = get_db()
    today = team_today(team)
    month = request.args.get("month")
    year, mon = supervision.parse_month(month) if month else (today.year, today.month)
    report = supervision.coverage(db, team, year, mon, as_of=today)
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
        frequencies=list(FREQUENCIES),
        today=today,
        region=holiday_region(team),
        can_write=current_user.can("manager"),
    )


@bp.post("/supervision/discussions")
@role_required("manager")
@_refused_here
def add_discussion():
    team = current_team()
    row = team_family(field("token"))
    supervision.add_discussion(
        get_db(),
        team,
        row["token"],
        on=field("date"),
        kind=field("kind"),
        who=field("who"),
        significant=bool(field("significant", as_typed=True)),
        recorded_on=field("recorded") or None,
        note=field("note"),
        actor=request_actor(),
    )
    flash(f"Discussion of {row['initials']} recorded.")
    return redirect(url_for("supervision.index"))


@bp.post("/supervision/discussions/<int:discussion_id>/recorded")
@role_required("manager")
@_refused_here
def mark_recorded(discussion_id: int):
    team = current_team()
    supervision.mark_recorded(get_db(), team, discussion_id, field("date") or team_today(team))
    flash("Record noted.")
    return redirect(url_for("supervision.index"))


@bp.post("/supervision/frequency")
@role_required("manager")
@_refused_here
def frequency():
    """How often a practitioner needs a formal one-to-one (ASYE, probation: fortnightly)."""
    record = supervision.set_frequency(
        get_db(), current_team(), field("name"), field("frequency"), field("note") or None
    )
    flash(f"{record['name']}: one-to-one {record['frequency']}.")
    return redirect(url_for("supervision.index"))


@bp.post("/supervision/leave")
@role_required("manager")
@_refused_here
def leave():
    """Mark a practitioner on leave for a month: shown as leave, not as a failure."""
    record = supervision.mark_leave(
        get_db(), current_team(), field("name"), field("month"), reason=field("reason") or None
    )
    flash(f"{record['name']} on leave in {record['month']}.")
    return redirect(url_for("supervision.index", month=record["month"]))


@bp.post("/supervision/absence")
@role_required("manager")
@_refused_here
def absence():
    """Record a practitioner's leave with its dates."""
    record = supervision_leave.add_absence(
        get_db(), current_team(), field("name"), starts=field("from"), ends=field("to"),
        reason=field("reason") or None,
    )  # fmt: skip
    flash(f"{record['name']} on leave {record['starts']} to {record['ends']}.")
    return redirect(url_for("supervision.index", month=record["starts"][:7]))


@bp.post("/supervision/supervisor")
@role_required("manager")
@_refused_here
def supervisor():
    """Record the team manager's supervision of a deputy or practice supervisor."""
    record = supervision_leave.add_supervisor_session(
        get_db(), current_team(), field("name"), on=field("date"), actor=Actor.web(None)
    )
    flash(f"{record['name']} supervised on {record['on_date']}.")
    return redirect(url_for("supervision.index", month=record["on_date"][:7]))
