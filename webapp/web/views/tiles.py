"""The tile page a phone opens from a tile's QR code: /t/<token>.

Reading is for every role; managers (and admins) also set the review date,
move the stage and close or reopen the case here. Every view and change is
written to the audit log.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from tilegen.payload import canonical_token
from webapp.accounts.teams import stage_names, team_settings, team_today
from webapp.cases import lifecycle, transfers
from webapp.cases.families import (
    family_view,
    move_stage,
    set_review,
    unknown_tokens,
)
from webapp.errors import BadInput, NotFound
from webapp.meeting import outcomes
from webapp.rules.alerts import alerts_for_family
from webapp.rules.team_rules import proposed_reviews
from webapp.store import access_log
from webapp.store.events import family_history
from webapp.web import dates
from webapp.web.access import current_team, request_actor, role_required, team_family
from webapp.web.case_forms import close_fields, reopen_fields
from webapp.web.event_words import describe_event, last_seen
from webapp.web.extensions import get_db, login_manager
from webapp.web.form_values import date_field, field, field_list
from webapp.web.refused_forms import refused_form
from webapp.web.scaling_chart import scaling_chart

bp = Blueprint("tiles", __name__)


@bp.route("/T/<token>")
def tile_upper(token):
    """QR scanners sometimes upper-case the whole URL; send them to the canonical one."""
    return redirect(url_for("tiles.tile", token=canonical_token(token) or token), 301)


@bp.route("/t/<token>")
def tile(token):
    canonical = canonical_token(token)
    if canonical is None:  # cannot be a token: answered as any unknown token is
        raise unknown_tokens([token.strip().upper()])
    if canonical != token:
        return redirect(url_for("tiles.tile", token=canonical), 301)
    if not current_user.is_authenticated:
        return login_manager.unauthorized()  # to /login?next=/t/<token>, and back after
    db = get_db()
    team = current_team()
    row = team_family(token)
    view = family_view(db, row, team)
    names = stage_names(db, team)
    events_ = family_history(db, row["id"])
    history = [describe_event(e) for e in events_]
    today = team_today(team)
    proposals = proposed_reviews(db, team, today)
    access_log.record(db, team["id"], access_log.TILE_VIEW, token, actor=request_actor())
    return render_template(
        "tiles/tile.html",
        f=view,
        stage_name=names.get(view["stage"], ""),
        names=names,
        last_seen=last_seen(view),
        history=history,
        tile_alerts=alerts_for_family(db, team, row, today),
        proposals={n: d.isoformat() for n, d in proposals.items()},
        settings=team_settings(team),
        other_teams=transfers.other_team_names(db, team),
        views=lifecycle.VIEWS,
        today=today.isoformat(),
        scaling=scaling_chart(lifecycle.scaling_series(events_)),
        my_request=outcomes.open_request(db, row, current_user.user_id),
    )


def _tile_page(token: str, **_) -> str:
    """Where a refused form of the tile page goes back to: the tile page (a 404 when the
    token is not this team's)."""
    return url_for("tiles.tile", token=team_family(token)["token"])


def _change(token: str, action: str, change, done: str, **detail):
    """Run one manager change on this team's tile, audit it, and go back to the tile page."""
    db = get_db()
    team = current_team()
    row = team_family(token)
    logged = access_log.recorded()
    change(db, row, team)
    if access_log.recorded() == logged:  # the change did not log itself with its dates
        access_log.record(db, team["id"], action, row["token"], detail,
                          actor=request_actor())  # fmt: skip
    flash(done)
    return redirect(url_for("tiles.tile", token=row["token"]))


def _who() -> dict:
    return {"actor": request_actor()}


@bp.route("/t/<token>/review", methods=["POST"])
@role_required("manager")
@refused_form(_tile_page, field="review")
def review(token):
    value = date_field("review", "The next review date")
    return _change(
        token,
        access_log.REVIEW_SET,
        lambda db, row, team: set_review(db, row, team, value, **_who()),
        f"Next review date set to {dates.longdate(value, empty=value)}.",
        to=value,
    )


@bp.route("/t/<token>/stage", methods=["POST"])
@role_required("manager")
@refused_form(_tile_page, field="stage-review")
def stage(token):
    """Move the stage and, when given, set the review date the manager agreed with it."""
    value = field("stage", as_typed=True)
    review = date_field("review", "The next review with the move")

    def change(db, row, team):
        return move_stage(db, row, team, value, review=review or None, **_who())

    done = f"Moved to board {value}" + (
        f", next review {dates.longdate(review)}." if review else "."
    )
    return _change(token, access_log.STAGE_MOVE, change, done, to=value, review=review or None)


@bp.route("/t/<token>/set", methods=["POST"])
@role_required("manager")
@refused_form(_tile_page)
def change_case(token):
    """Change the case from a date: type, flags, court and assessment dates, worker, codes."""
    fields = {
        "case_type": field("case_type", as_typed=True) or None,
        "flags": field_list("flag"),
        "unflags": field_list("unflag"),
        "proceedings_start": field("proceedings_start", as_typed=True) or None,
        "s47": field("s47", as_typed=True) or None,
        "assessment_done": field("assessment_done", as_typed=True) or None,
        "worker": field("worker", as_typed=True) or None,
        "initials": field("initials", as_typed=True) or None,
    }
    on = field("date", as_typed=True) or None

    def change(db, row, team):
        return lifecycle.set_case(db, row, team, on=on, **fields, **_who())

    shown = {k: v for k, v in fields.items() if v}
    return _change(token, access_log.CASE_CHANGE, change, "Case changed.", on=on, **shown)


@bp.route("/t/<token>/close", methods=["POST"])
@role_required("manager")
@refused_form(_tile_page)
def close(token):
    """Close or step down, with the views considered and the scaling score."""
    fields = close_fields()

    def change(db, row, team):
        return lifecycle.close_case(db, row, team, **fields, **_who())

    done = "Case stepped down" if fields["closed_as"] == "stepped-down" else "Case closed"
    return _change(
        token, access_log.CASE_CLOSE, change, f"{done}: take the tile off the boards.", **fields
    )


@bp.route("/t/<token>/reopen", methods=["POST"])
@role_required("manager")
@refused_form(_tile_page)
def reopen(token):
    fields = reopen_fields()

    def change(db, row, team):
        return lifecycle.reopen_case(db, row, team, **fields, **_who())

    return _change(
        token, access_log.CASE_REOPEN, change, "Case reopened as a new episode.", on=fields["on"]
    )


@bp.route("/t/<token>/transfer", methods=["POST"])
@role_required("manager")
@refused_form(_tile_page, refuses=(BadInput, NotFound))
def transfer(token):
    """Move the case to another team; this team no longer sees it, so go to the boards."""
    db = get_db()
    team = current_team()
    row = team_family(token)
    row, new_team = transfers.transfer_case(
        db,
        row,
        team,
        field("to_team", as_typed=True),
        stage=field("stage", as_typed=True) or None,
        on=field("date", as_typed=True) or None,
        **_who(),
    )
    flash(f"{row['initials']} transferred to {new_team['name']}: give them the tile.")
    return redirect(url_for("board.index"))
