"""Logging in and out and the failed-login limit."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from webapp.accounts import logins
from webapp.accounts.signin import local_passwords_allowed
from webapp.accounts.users import authenticate, end_sessions
from webapp.store import access_log
from webapp.values.actor import Actor
from webapp.web.extensions import User, get_db
from webapp.web.form_values import field, query_field
from webapp.web.redirects import safe_next

bp = Blueprint("auth", __name__)

REMEMBER_FOR = timedelta(days=30)  # a practitioner logs in once, then scans tiles for weeks
#: A random cookie naming this browser, so a log-in from it is not locked out by failures
#: elsewhere (webapp.accounts.logins); kept for as long as a client stays known.
DEVICE_COOKIE = "caseboard_device"
DEVICE_FOR = timedelta(seconds=logins.KNOWN_FOR_S)


def _client_ip() -> str:
    return request.remote_addr or "-"


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(query_field("next", None, as_typed=True))
    if current_user.is_authenticated and request.method != "POST":
        return redirect(target or url_for("board.index"))
    if request.method != "POST":  # GET and HEAD only show the form: never a failure
        return render_template("auth/login.html", next=target or "")
    db = get_db()
    if not local_passwords_allowed(db):  # the admin left only council sign-in
        flash("Passwords are switched off here: sign in with your council account.", "error")
        return render_template("auth/login.html", next=target or ""), 403
    username = field("username")
    password = field("password", as_typed=True) or ""
    ip, device = _client_ip(), request.cookies.get(DEVICE_COOKIE) or None
    config = current_app.config
    limits = logins.Limits(
        config["LOGIN_WINDOW_SECONDS"], config["LOGIN_ATTEMPTS"],
        config["LOGIN_USER_ATTEMPTS"], config["LOGIN_ADDRESS_ATTEMPTS"],
    )  # fmt: skip
    attempt = logins.reserve_attempt(db, username, ip, limits, device=device)
    if attempt.wait:
        if attempt.first_refusal:
            _log(db, None, access_log.LOGIN_THROTTLED, username)
        minutes = max(1, round(attempt.wait / 60))
        flash(
            f"Too many failed log-ins for {username[:80]!r} or from this address. "
            f"Try again in about {minutes} minute{'s' if minutes != 1 else ''}.",
            "error",
        )
        page = render_template("auth/login.html", next=target or "", username=username)
        return page, 429, {"Retry-After": str(int(attempt.wait) + 1)}
    row = authenticate(db, username, password) if username and password else None
    if row is None:  # the attempt keeps its place in the counts as a failure
        _log(db, None, access_log.LOGIN_FAILED, username)
        flash("That username and password do not match.", "error:username")
        page = render_template("auth/login.html", next=target or "", username=username)
        return page, 401
    device = device or secrets.token_urlsafe(32)
    logins.succeeded(db, row, ip, attempt, device)
    login_user(User(row), remember=True, duration=REMEMBER_FOR)
    _log(db, row, access_log.LOGIN, username)
    response = redirect(target or url_for("board.index"))
    response.set_cookie(DEVICE_COOKIE, device, max_age=int(DEVICE_FOR.total_seconds()),
                        httponly=True, samesite="Lax")  # fmt: skip
    return response


def _log(db, row: dict | None, action: str, username: str) -> None:
    """A log-in, failure or log-out in the access log (the user's team, or none)."""
    access_log.record(
        db, row["team_id"] if row else None, action, detail={"username": username[:80]},
        actor=Actor.web(row["id"] if row else None, _client_ip()),
    )  # fmt: skip


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out here and everywhere: the user's session generation moves on, so a copy of
    this session or remember cookie is refused from now on."""
    if current_user.is_authenticated:
        db = get_db()
        end_sessions(db, current_user.user_id)
        _log(db, current_user.row, access_log.LOGOUT, current_user.username)
    logout_user()
    flash("You are logged out.")
    return redirect(url_for("auth.login"))
