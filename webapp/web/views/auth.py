"""Logging in and out, the failed-login limit, secure cookies over HTTPS, the audit page."""

from __future__ import annotations

import secrets
from contextlib import closing
from datetime import timedelta

from flask import (
    Blueprint,
    Response,
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
from webapp.cases.families import list_families
from webapp.store import access_log
from webapp.store.connection import connect
from webapp.values.bounds import check_id
from webapp.values.dates import parse_date
from webapp.web.access import current_team, role_required
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
        db, row["team_id"] if row else None, row["id"] if row else None, action,
        detail={"username": username[:80]}, ip=_client_ip(),
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


def _audit_filters() -> dict:
    """The audit page's filters from the query string (BadInput for a bad date)."""
    args = request.args
    return {
        "action": args.get("action") or None,
        "username": (args.get("user") or "").strip() or None,
        "token": (args.get("family") or "").strip().upper() or None,
        "since": parse_date(args["since"], "from") if args.get("since") else None,
        "until": parse_date(args["until"], "to") if args.get("until") else None,
    }


@bp.route("/audit")
@role_required()  # admins only
def audit_log():
    filters = _audit_filters()
    before = request.args.get("before")
    rows = access_log.entries(
        get_db(), current_team(), **filters, before=check_id(before, "before") if before else None
    )
    return render_template(
        "auth/audit.html", rows=rows, filters=filters, actions=access_log.ACTIONS,
        families=list_families(get_db(), current_team(), include_closed=True),
        args={k: v for k, v in request.args.items() if k != "before"},
    )  # fmt: skip


@bp.route("/audit.csv")
@role_required()  # admins only
def audit_csv():
    """The filtered log as CSV, e.g. for a data-protection (subject access) request."""
    db, team = get_db(), current_team()
    lines = _streamed_csv(current_app.config["DB"], team, _audit_filters())
    access_log.record(db, team["id"], current_user.user_id, access_log.EXPORT,
                      detail={"what": "audit.csv", **request.args}, ip=_client_ip())  # fmt: skip
    headers = {"Content-Disposition": "attachment; filename=caseboard-access-log.csv"}
    return Response(lines, mimetype="text/csv", headers=headers)


def _streamed_csv(path: str, team: dict, filters: dict):
    """The CSV a chunk at a time, on a connection of its own: the request's is closed
    once the view returns, before the download has been sent."""
    with closing(connect(path)) as db:
        yield from access_log.csv_lines(db, team, **filters)


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
