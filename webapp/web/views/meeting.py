"""The weekly meeting: the agenda, its print view and PDF, outcomes and requests to discuss.

Everyone in the team can read the agenda and ask for a family to be discussed;
managers (and admins) start and close the meeting and record outcomes.
"""

from __future__ import annotations

import io
from datetime import date

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from webapp.cases import agenda
from webapp.cases.families import open_rows, parse_date
from webapp.cases.teams import stage_names
from webapp.errors import BadInput
from webapp.web.access import current_team, role_required, team_family
from webapp.web.extensions import get_db

bp = Blueprint("meeting", __name__)


def _meeting_date(team: dict) -> date:
    """The ``date`` query/form value, or this week's meeting date."""
    value = request.values.get("date")
    return parse_date(value, "date") if value else agenda.next_meeting_date(team)


def _this_agenda(team: dict) -> tuple:
    """``(db, on, items, since)`` for the requested meeting date (BadInput for a bad one)."""
    on = _meeting_date(team)
    db = get_db()
    return db, on, agenda.build_agenda(db, team, on), agenda.since_date(db, team, on)


def _bad_request(message: str):
    return render_template("meeting/error.html", message=message), 400


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/agenda", endpoint="agenda")
@login_required
def agenda_page():
    team = current_team()
    try:
        db, on, items, since = _this_agenda(team)
    except BadInput as exc:
        return _bad_request(str(exc))
    return render_template(
        "meeting/agenda.html",
        team=team,
        on=on,
        since=since,
        groups=agenda.group_agenda(items),
        count=len(items),
        meeting=agenda.get_meeting(db, team, on),
        recent=agenda.recent_meetings(db, team, limit=5),
        stages=stage_names(db, team),
        families=_askable(db, team, items),
        max_note=agenda.MAX_NOTE,
    )


def _askable(db, team: dict, items: list[dict]) -> list[dict]:
    """Open families not yet asked about, for the "ask to discuss" picker."""
    asked = {i["token"] for i in items if "requested" in i["reasons"]}
    return [r for r in open_rows(db, team) if r["token"] not in asked]


@bp.get("/agenda/print")
@login_required
def print_view():
    team = current_team()
    try:
        _db, on, items, since = _this_agenda(team)
    except BadInput as exc:
        return _bad_request(str(exc))
    return render_template(
        "meeting/print.html",
        team=team,
        on=on,
        since=since,
        groups=agenda.group_agenda(items),
        count=len(items),
    )


@bp.get("/agenda.pdf")
@login_required
def pdf():
    from printables.agenda import write_agenda_pdf

    team = current_team()
    try:
        _db, on, items, since = _this_agenda(team)
    except BadInput as exc:
        return _bad_request(str(exc))
    buffer = io.BytesIO()
    write_agenda_pdf(items, buffer, team_name=team["name"], on=on, since=since)
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"agenda-{on.isoformat()}.pdf",
    )


@bp.post("/agenda/meeting")
@role_required("manager")
def meeting_state():
    """Start (or reopen) or close the record of the meeting held on ``date``."""
    team = current_team()
    try:
        on = _meeting_date(team)
        if request.form.get("action") == "close":
            agenda.close_meeting(get_db(), team, on, current_user.user_id)
            flash(f"Meeting of {on:%d %B %Y} closed. Open requests carry over to the next one.")
        else:
            agenda.start_meeting(get_db(), team, on, current_user.user_id)
            flash(f"Meeting of {on:%d %B %Y} started, chaired by {current_user.username}.")
    except BadInput as exc:
        flash(str(exc), "error")
        return redirect(url_for("meeting.agenda"))
    return redirect(url_for("meeting.agenda", date=on.isoformat()))


@bp.post("/agenda/outcome/<token>")
@role_required("manager")
def outcome(token: str):
    """Record the decision on one family; answers JSON to the page's script, else redirects."""
    team = current_team()
    row = team_family(token)
    form = request.form
    try:
        on = _meeting_date(team)
        updated = agenda.record_outcome(
            get_db(),
            team,
            row,
            current_user.user_id,
            review=form.get("review") or None,
            stage=form.get("stage") or None,
            note=form.get("note", ""),
            meeting_date=on,
        )
    except BadInput as exc:
        if _wants_json():
            return jsonify(ok=False, message=str(exc)), 400
        flash(f"{row['initials']}: {exc}", "error")
        return redirect(url_for("meeting.agenda", date=form.get("date")) + f"#item-{row['token']}")
    message = f"Outcome recorded for {row['initials']}."
    if _wants_json():
        return jsonify(
            ok=True, message=message, next_review=updated["next_review"], stage=updated["stage"]
        )
    flash(message)
    return redirect(url_for("meeting.agenda", date=on.isoformat()) + f"#item-{row['token']}")


@bp.post("/t/<token>/agenda-request", endpoint="request")
@login_required
def ask_to_discuss(token: str):
    """``meeting.request``: the tile page's "add to this week's agenda" button posts here."""
    return _ask(token)


@bp.post("/agenda/request")
@login_required
def request_form():
    """The agenda page's own "ask to discuss" picker (the token comes in the form)."""
    return _ask(request.form.get("token", ""))


def _ask(token: str):
    """Add a family to this week's agenda, then go back where the user came from."""
    team = current_team()
    row = team_family(token)
    form = request.form
    try:
        made = agenda.request_discussion(
            get_db(), team, row, current_user.user_id, note=form.get("note")
        )
        flash(f"{row['initials']} is on the agenda for {made['meeting_date']}.")
    except BadInput as exc:
        flash(str(exc), "error")
    return redirect(_safe_next(form.get("next")) or f"/t/{row['token']}")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (never another host) is a place to go back to."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None
