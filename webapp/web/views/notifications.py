"""Each user's notification settings (the unsubscribe link lands here), and the admin's
mail page: messages that could not be sent, recent mail, and the team's own recipients
for each alert role."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.cases.people import ROLE_HOLDERS, set_team_recipients, team_recipients
from webapp.notify import prefs
from webapp.notify.send import failed_messages, recent_mail
from webapp.web.access import current_team, role_required
from webapp.web.extensions import get_db

bp = Blueprint("notifications", __name__)


@bp.route("/me/notifications", methods=["GET", "POST"])
@login_required
def settings():
    db, user = get_db(), current_user.row
    if request.method == "POST":
        prefs.set_prefs(db, user, {kind: request.form.get(kind, "off") for kind in prefs.KINDS})
        flash("Your notification settings are saved.")
        return redirect(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html",
        user=user,
        chosen=prefs.user_prefs(db, user),
        kinds=prefs.KINDS,
        frequencies=prefs.FREQUENCIES,
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
def recipients():
    role = request.form.get("role", "")
    names = [n for n in (request.form.get("usernames") or "").replace(",", " ").split() if n]
    chosen = set_team_recipients(get_db(), current_team(), role, names)
    if chosen:
        flash(f"Alerts for the {role} now go to {', '.join(u['username'] for u in chosen)}.")
    else:
        flash(f"Alerts for the {role} go to the team's {ROLE_HOLDERS[role]} users.")
    return redirect(url_for("notifications.mail"))
