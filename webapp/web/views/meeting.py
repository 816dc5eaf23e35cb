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

from webapp.accounts.teams import stage_names
from webapp.accounts.users import user_by_id
from webapp.cases import meetings
from webapp.cases.families import open_rows
from webapp.meeting import agenda, outcomes
from webapp.values.dates import parse_date
from webapp.web import audit_trail
from webapp.web.access import current_team, request_actor, role_required, team_family
from webapp.web.dates import longdate
from webapp.web.extensions import get_db
from webapp.web.form_values import date_field, field, requested_date
from webapp.web.redirects import safe_next
from webapp.web.refused_forms import refused_form

bp = Blueprint("meeting", __name__)


def _meeting_date(team: dict) -> date:
    """The ``date`` query/form value, or this week's meeting date."""
    value = requested_date("date", "The meeting date")
    return parse_date(value, "date") if value else meetings.next_meeting_date(team)


def _this_agenda(team: dict) -> tuple:
    """``(db, on, items, since)`` for the requested meeting date (BadInput for a bad one)."""
    on = _meeting_date(team)
    db = get_db()
    items = agenda.build_agenda(db, team, on)
    audit_trail.showed(i["token"] for i in items)
    return db, on, items, meetings.since_date(db, team, on)


def _agenda_context(team: dict) -> dict:
    """The requested agenda as both of its pages (on screen and in print) show it."""
    _db, on, items, since = _this_agenda(team)
    groups = agenda.group_agenda(items)
    return {"team": team, "on": on, "since": since, "items": items, "groups": groups,
            "count": len(items)}  # fmt: skip


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/agenda", endpoint="agenda")
@login_required
def agenda_page():
    team = current_team()
    db, context = get_db(), _agenda_context(team)
    on = context["on"]
    return render_template(
        "meeting/agenda.html",
        **context,
        meeting=meetings.get_meeting(db, team, on),
        record=meetings.meeting_record(db, team, on),
        recent=meetings.recent_meetings(db, team, limit=5),
        stages=stage_names(db, team),
        families=_askable(db, team, context["items"]),
        max_note=outcomes.MAX_NOTE,
    )


def _askable(db, team: dict, items: list[dict]) -> list[dict]:
    """Open families not yet asked about, for the "ask to discuss" picker."""
    asked = {i["token"] for i in items if "requested" in i["reasons"]}
    return [r for r in open_rows(db, team) if r["token"] not in asked]


@bp.get("/agenda/print")
@login_required
def print_view():
    return render_template("meeting/print.html", **_agenda_context(current_team()))


@bp.get("/agenda.pdf")
@login_required
def pdf():
    from printables.agenda import write_agenda_pdf

    team = current_team()
    _db, on, items, since = _this_agenda(team)
    buffer = io.BytesIO()
    write_agenda_pdf(items, buffer, team_name=team["name"], on=on, since=since)
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"agenda-{on.isoformat()}.pdf",
    )


def _agenda_on(**_) -> str:
    """The agenda of the meeting the form is about (a bad meeting date: the 400 page)."""
    return url_for("meeting.agenda", date=_meeting_date(current_team()).isoformat())


@bp.post("/agenda/meeting")
@role_required("manager")
@refused_form(lambda: url_for("meeting.agenda"))
def meeting_state():
    """Start (or reopen) or close the record of the meeting held on ``date``."""
    team = current_team()
    on = _meeting_date(team)
    if field("action", None, as_typed=True) == "close":
        meetings.close_meeting(get_db(), team, on, actor=request_actor())
        flash(f"Meeting of {on:%d %B %Y} closed. Open requests carry over to the next one.")
    else:
        meetings.start_meeting(get_db(), team, on, actor=request_actor())
        flash(f"Meeting of {on:%d %B %Y} started, chaired by {current_user.username}.")
    return redirect(url_for("meeting.agenda", date=on.isoformat()))


@bp.post("/agenda/record")
@role_required("manager")
@refused_form(_agenda_on)
def record():
    """Save who attended, agreed absences, the facilitator and the administrator."""
    team = current_team()
    on = _meeting_date(team)
    meetings.record_meeting(
        get_db(),
        team,
        on,
        attended=field("attended", as_typed=True),
        absent=field("absent", as_typed=True),
        facilitator=field("facilitator", None, as_typed=True),
        administrator=field("administrator", None, as_typed=True),
        actor=request_actor(),
    )
    flash(f"Record of the meeting of {on:%d %B %Y} saved.")
    return redirect(url_for("meeting.agenda", date=on.isoformat()) + "#record-title")


@bp.post("/agenda/authorise")
@role_required("manager")
@refused_form(_agenda_on)
def authorise():
    """The team manager authorises the wording of the administrator's record."""
    team = current_team()
    on = _meeting_date(team)
    user = user_by_id(get_db(), current_user.user_id)
    meetings.authorise_record(get_db(), team, on, user)
    flash(f"Record of the meeting of {on:%d %B %Y} authorised.")
    return redirect(url_for("meeting.agenda", date=on.isoformat()) + "#record-title")


def _at_item(token: str) -> str:
    """The agenda item of the family an outcome was refused for."""
    date = field("date", None, as_typed=True)
    return url_for("meeting.agenda", date=date) + f"#item-{team_family(token)['token']}"


@bp.post("/agenda/outcome/<token>")
@role_required("manager")
@refused_form(
    _at_item,
    words=lambda exc, token: f"{team_family(token)['initials']}: {exc}",
)
def outcome(token: str):
    """Record the decision on one family; answers JSON to the page's script, else redirects."""
    team = current_team()
    row = team_family(token)
    on = _meeting_date(team)
    updated = outcomes.record_outcome(
        get_db(),
        team,
        row,
        actor=request_actor(),
        review=date_field("review", "The next review") or None,
        stage=field("stage", as_typed=True) or None,
        note=field("note", as_typed=True),
        meeting_date=on,
        scaling=field("scaling", as_typed=True) or None,
    )
    message = f"Outcome recorded for {row['initials']}."
    if _wants_json():
        return jsonify(
            ok=True, message=message, next_review=updated["next_review"], stage=updated["stage"]
        )
    flash(message)
    return redirect(url_for("meeting.agenda", date=on.isoformat()) + f"#item-{row['token']}")


def _asked_from(token: str) -> str:
    """Where asking to discuss goes back to: the page it was sent from, else the tile."""
    tile = url_for("tiles.tile", token=team_family(token)["token"])
    return safe_next(field("next", None, as_typed=True), tile)


@bp.post("/t/<token>/agenda-request", endpoint="request")
@login_required
@refused_form(_asked_from)
def ask_to_discuss(token: str):
    """``meeting.request``: the tile page's "add to this week's agenda" button posts here."""
    return _ask(token)


@bp.post("/agenda/request")
@login_required
@refused_form(lambda: _asked_from(field("token", as_typed=True)))
def request_form():
    """The agenda page's own "ask to discuss" picker (the token comes in the form)."""
    return _ask(field("token", as_typed=True))


def _ask(token: str):
    """Add a family to this week's agenda, then go back where the user came from."""
    team = current_team()
    row = team_family(token)
    made = outcomes.request_discussion(
        get_db(), team, row, actor=request_actor(), note=field("note", None, as_typed=True)
    )
    flash(
        f"{row['initials']} is on the agenda for the meeting of {longdate(made['meeting_date'])}."
    )
    return redirect(_asked_from(token))
