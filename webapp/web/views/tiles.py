"""The tile page a phone opens from a tile's QR code: /t/<token>.

Reading is for every role; managers (and admins) also set the review date,
move the stage and close or reopen the case here. Every view and change is
written to the audit log.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tilegen.payload import is_token
from webapp.cases.families import (
    close_family,
    family_view,
    move_stage,
    reopen_family,
    set_review,
    unknown_tokens,
)
from webapp.cases.teams import stage_names, team_today
from webapp.errors import BadInput
from webapp.rules.alerts import alerts_for_family
from webapp.rules.team_rules import proposed_reviews
from webapp.store import access_log, events
from webapp.store.events import family_history
from webapp.web import dates
from webapp.web.access import current_team, role_required, team_family
from webapp.web.extensions import get_db, login_manager
from webapp.web.form_values import date_field
from webapp.web.redirects import back_with_error

bp = Blueprint("tiles", __name__)

ZONE_WORDS = {"main": "main area", "amber": "amber section", "red": "red section"}
STATUS_WORDS = {"red": "overdue", "amber": "due soon", "green": "on track", "closed": "closed"}


def canonical_token(token: str) -> str | None:
    """The token in its printed (upper-case) form, or None when it cannot be a token."""
    upper = token.strip().upper()
    return upper if is_token(upper) else None


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
    history = [describe_event(e) for e in family_history(db, row["id"])]
    today = team_today(team)
    proposals = proposed_reviews(db, team, today)
    access_log.record(
        db, team["id"], current_user.user_id, access_log.TILE_VIEW, token, ip=request.remote_addr
    )
    return render_template(
        "tiles/tile.html",
        f=view,
        stage_name=names.get(view["stage"], ""),
        names=names,
        last_seen=last_seen(view),
        history=history,
        status_words=STATUS_WORDS,
        tile_alerts=alerts_for_family(db, team, row, today),
        proposals={n: d.isoformat() for n, d in proposals.items()},
    )


def last_seen(view: dict) -> str | None:
    """``Board 3, red section, 2 days ago (Wed 12 Mar 2025, 14:05)`` or None; the time
    in the team's zone."""
    if not view["last_seen_at"]:
        return None
    where = f"Board {view['last_stage']}" if view["last_stage"] else "In a photo, on no board"
    if view["zone"]:
        where += f", {ZONE_WORDS.get(view['zone'], view['zone'])}"
    return f"{where}, {ago(view['last_seen_at'])}"


def ago(timestamp: str, now: datetime | None = None) -> str:
    seen = datetime.fromisoformat(timestamp)
    days = ((now or datetime.now(UTC)) - seen).days
    when = {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")
    return f"{when} ({dates.when(seen)})"


def describe_event(event: dict) -> dict:
    """An event in plain words for the history list."""
    d, kind = event["detail"], event["kind"]
    text = {
        events.CREATED: lambda: (
            f"Registered on board {d.get('stage')}, review {dates.longdate(d.get('next_review'))}"
        ),
        events.STAGE_MOVED: lambda: f"Moved from board {d.get('from')} to board {d.get('to')}",
        events.ZONE_SEEN: lambda: (
            f"Seen on board {d.get('stage')}, {ZONE_WORDS.get(d.get('zone'), d.get('zone'))}"
        ),
        events.REVIEW_SET: lambda: (
            f"Review date {dates.longdate(d.get('from'), 'none')} → {dates.longdate(d.get('to'))}"
        ),
        events.CLOSED: lambda: f"Case closed on {dates.longdate(d.get('on'))}",
        events.REOPENED: lambda: (
            f"Case reopened (had been closed on {dates.longdate(d.get('closed_on'))})"
        ),
        events.FLAG_ADDED: lambda: f"Flag added: {d.get('flag')}",
        events.FLAG_REMOVED: lambda: f"Flag removed: {d.get('flag')}",
        events.TILE_PRINTED: lambda: "Tile printed",
        events.STICKER_PRINTED: lambda: "Date sticker printed",
    }.get(kind, lambda: kind.replace("_", " ").capitalize())()
    if d.get("scan"):
        text += f" (scan {d['scan']})"
    return {
        "on": event["on_date"],
        "text": text,
        "who": event.get("username") or event["source"],
        "kind": kind,
    }


def _change(token: str, action: str, change, done: str, field: str | None = None, **detail):
    """Run one manager change on this team's tile, audit it, and go back to the tile page."""
    db = get_db()
    team = current_team()
    row = team_family(token)
    page = url_for("tiles.tile", token=row["token"])
    try:
        change(db, row, team)
    except BadInput as exc:
        return back_with_error(exc, page, field)
    access_log.record(
        db, team["id"], current_user.user_id, action, row["token"], detail, ip=request.remote_addr
    )
    flash(done)
    return redirect(page)


def _who() -> dict:
    return {"user_id": current_user.user_id, "source": "web"}


@bp.route("/t/<token>/review", methods=["POST"])
@role_required("manager")
def review(token):
    value = date_field("review")
    return _change(
        token,
        access_log.REVIEW_SET,
        lambda db, row, team: set_review(db, row, team, value, **_who()),
        f"Next review date set to {dates.longdate(value, empty=value)}.",
        field="review",
        to=value,
    )


@bp.route("/t/<token>/stage", methods=["POST"])
@role_required("manager")
def stage(token):
    """Move the stage and, when given, set the review date the manager agreed with it."""
    value = request.form.get("stage", "")
    review = date_field("review")

    def change(db, row, team):
        return move_stage(db, row, team, value, review=review or None, **_who())

    done = f"Moved to board {value}" + (
        f", next review {dates.longdate(review)}." if review else "."
    )
    return _change(
        token, access_log.STAGE_MOVE, change, done, "stage-review", to=value, review=review or None
    )


#: Closing or reopening from the tile page: the library call, the log entry and the message.
_CASE_CHANGES = {
    "close": (close_family, access_log.CASE_CLOSE, "Case closed: take the tile off the boards."),
    "reopen": (reopen_family, access_log.CASE_REOPEN, "Case reopened."),
}


@bp.route("/t/<token>/<any(close, reopen):change>", methods=["POST"])
@role_required("manager")
def close_or_reopen(token, change):
    apply, action, done = _CASE_CHANGES[change]
    return _change(token, action, lambda db, row, team: apply(db, row, team, **_who()), done)
