"""Each user's notification settings (the unsubscribe link lands here), and the admin's
mail page: messages that could not be sent, recent mail, and the team's own recipients
for each alert role."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.accounts.people import ROLE_HOLDERS, set_team_recipients, team_recipients
from webapp.accounts.teams import public_base_url
from webapp.notify import calendar, prefs
from webapp.notify.send import failed_messages, recent_mail
from webapp.store import access_log
from webapp.values.actor import Actor
from webapp.web.access import current_team, role_required
from webapp.web.extensions import get_db
from webapp.web.form_values import field
from webapp.web.refused_forms import refused_form

bp = Blueprint("notifications", __name__)


@bp.route("/me/notifications", methods=["GET", "POST"])
@login_required
@refused_form(page=lambda: _settings_page())
def settings():
    if request.method == "POST":
        chosen = {kind: field(kind, "off", as_typed=True) for kind in prefs.KINDS}
        prefs.set_prefs(get_db(), current_user.row, chosen)
        flash("Your notification settings are saved.")
        return redirect(url_for("notifications.settings"))
    return _settings_page()


def _settings_page():
    db, user = get_db(), current_user.row
    return render_template(
        "notifications/settings.html",
        user=user,
        chosen=prefs.user_prefs(db, user),
        kinds=prefs.KINDS,
        frequencies=prefs.FREQUENCIES,
        has_feed=calendar.has_feed(user),
    )


@bp.post("/me/calendar")
@login_required
def new_calendar_link():
    """A new private feed link, shown once; any earlier link stops working."""
    db = get_db()
    token = calendar.new_feed_token(db, current_user.row)
    url = f"{public_base_url(db, current_team())}{url_for('notifications.feed', token=token)}"
    flash(f"Your private calendar link (copy it now; it is shown once): {url}")
    return redirect(url_for("notifications.settings") + "#calendar")


@bp.post("/me/calendar/stop")
@login_required
def stop_calendar():
    calendar.stop_feed(get_db(), current_user.row)
    flash("Your calendar link no longer works.")
    return redirect(url_for("notifications.settings") + "#calendar")


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """The feed a calendar subscribes to: no log-in, the token is the key."""
    db = get_db()
    user = calendar.user_for_feed(db, token)
    if user is None:
        abort(404)
    body = calendar.feed(db, user)
    access_log.record(db, user["team_id"], access_log.READ,
                      detail={"endpoint": "notifications.feed", "what": "calendar feed"},
                      actor=Actor(user=user["id"], source="calendar",
                                  address=request.remote_addr))  # fmt: skip
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Cache-Control": "private, no-store",
            "Referrer-Policy": "no-referrer",
        },
    )


@bp.get("/admin/mail")
@role_required("admin")
def mail():
    db, team = get_db(), current_team()
    return render_template(
        "notifications/mail.html",
        team=team,
        failed=failed_messages(db, team),
        recent=recent_mail(db, team),
        recipients=team_recipients(db, team),
        roles=list(ROLE_HOLDERS),
    )


@bp.post("/admin/mail/recipients")
@role_required("admin")
@refused_form(page=lambda: mail())
def recipients():
    role = field("role", as_typed=True)
    names = [n for n in (field("usernames", as_typed=True) or "").replace(",", " ").split() if n]
    chosen = set_team_recipients(get_db(), current_team(), role, names)
    if chosen:
        flash(f"Alerts for the {role} now go to {', '.join(u['username'] for u in chosen)}.")
    else:
        flash(f"Alerts for the {role} go to the team's {ROLE_HOLDERS[role]} users.")
    return redirect(url_for("notifications.mail"))
