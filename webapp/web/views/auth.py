"""Logging in and out, the failed-login limit, secure cookies over HTTPS, the audit page."""

from __future__ import annotations

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

from webapp.cases.logins import clear_login_failures, login_retry_after, record_login_failure
from webapp.cases.users import authenticate
from webapp.store import access_log
from webapp.web.access import current_team, role_required
from webapp.web.extensions import User, get_db
from webapp.web.redirects import safe_next

bp = Blueprint("auth", __name__)

REMEMBER_FOR = timedelta(days=30)  # a practitioner logs in once, then scans tiles for weeks


def _client_ip() -> str:
    return request.remote_addr or "-"


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target or url_for("board.index"))
    if request.method == "GET":
        return render_template("auth/login.html", next=target or "")
    db = get_db()
    username = (request.form.get("username") or "").strip()
    password = request.form.get("password") or ""
    ip = _client_ip()
    window = current_app.config["LOGIN_WINDOW_SECONDS"]
    attempts = current_app.config["LOGIN_ATTEMPTS"]
    wait = login_retry_after(db, username, ip, attempts=attempts, window=window)
    if wait:
        minutes = max(1, round(wait / 60))
        flash(
            f"Too many failed log-ins for {username!r} from this address. "
            f"Try again in about {minutes} minute{'s' if minutes != 1 else ''}.",
            "error",
        )
        page = render_template("auth/login.html", next=target or "", username=username)
        return page, 429, {"Retry-After": str(int(wait) + 1)}
    row = authenticate(db, username, password) if username and password else None
    if row is None:
        record_login_failure(db, username, ip, window)
        flash("That username and password do not match.", "error:username")
        page = render_template("auth/login.html", next=target or "", username=username)
        return page, 401
    clear_login_failures(db, username, ip)
    login_user(User(row), remember=True, duration=REMEMBER_FOR)
    return redirect(target or url_for("board.index"))


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash("You are logged out.")
    return redirect(url_for("auth.login"))


@bp.route("/audit")
@role_required()  # admins only
def audit_log():
    action = request.args.get("action") or None
    rows = access_log.entries(get_db(), current_team(), action=action)
    return render_template("auth/audit.html", rows=rows, action=action)


class SecureCookiesOverHttps:
    """WSGI middleware: mark every cookie Secure when the request came over HTTPS.

    The same install may be reached over plain HTTP on the office network and
    over HTTPS through a proxy (``caseboard serve --trusted-proxy``), so this
    follows each request's scheme instead of a fixed setting. It sits outside
    Flask so it also sees the session cookie and Flask-Login's remember cookie,
    which are set after the app's own after-request hooks.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start(status, headers, exc_info=None):
            headers = [
                (k, f"{v}; Secure")
                if k.lower() == "set-cookie" and "; secure" not in v.lower()
                else (k, v)
                for k, v in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, secure_start)


@bp.record_once
def _install_secure_cookies(state) -> None:
    state.app.wsgi_app = SecureCookiesOverHttps(state.app.wsgi_app)
