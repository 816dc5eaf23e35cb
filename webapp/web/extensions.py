"""Flask-side plumbing shared by every blueprint: the store on ``g``, login, CSRF."""

from __future__ import annotations

import threading

from flask import Flask, current_app, g
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFProtect

from webapp.accounts.users import session_id, user_for_session
from webapp.store.connection import connect
from webapp.store.epoch import session_epoch

login_manager = LoginManager()
_threads = threading.local()
csrf = CSRFProtect()


class User(UserMixin):
    """The logged-in user, built from a ``users`` row."""

    def __init__(self, row: dict):
        self.row = row
        # what the session and remember cookies carry (the epoch changes at a restore)
        self.id = session_id(row, session_epoch(get_db()))
        self.user_id = row["id"]
        self.username = row["username"]
        self.role = row["role"]
        self.team_id = row["team_id"]

    def can(self, *roles: str) -> bool:
        """True when the user holds one of ``roles`` (admins can do everything)."""
        return self.role == "admin" or self.role in roles


def get_db():
    """The request's store connection, opened on first use.

    With ``DB_KEEP_OPEN`` (as ``caseboard serve`` runs) each server thread keeps
    its connection for the next request: opening and closing one per request
    costs more than most pages.
    """
    if "db" not in g:
        path = current_app.config["DB"]
        if current_app.config.get("DB_KEEP_OPEN"):
            kept = _threads.__dict__.setdefault("stores", {})
            if path not in kept:
                kept[path] = connect(path)
            g.db, g.db_kept = kept[path], True
        else:
            g.db = connect(path)
    return g.db


def close_db(_exc=None) -> None:
    """Close the request's connection; a kept one only loses any unfinished transaction."""
    db = g.pop("db", None)
    if db is None:
        return
    if g.pop("db_kept", False):
        if db.conn.in_transaction:
            db.conn.rollback()
    else:
        db.close()


@login_manager.user_loader
def load_user(value: str):
    """The session's user; a session whose user is gone or inactive, or whose generation
    the user has ended (logout elsewhere, new password, ...) is logged out."""
    row = user_for_session(get_db(), value)
    return User(row) if row else None


@login_manager.unauthorized_handler
def to_login():
    """Not logged in: to the log-in form, which sends the user on to the page they asked
    for afterwards, unless its address is too long to carry in a ``Location`` header."""
    from flask import redirect, request, url_for

    from webapp.web.redirects import safe_next

    target = safe_next(request.full_path.rstrip("?")) or safe_next(request.path)
    flask_login_flash()
    return redirect(url_for(login_manager.login_view, next=target) if target else
                    url_for(login_manager.login_view))  # fmt: skip


def flask_login_flash() -> None:
    from flask import flash

    flash(login_manager.login_message, login_manager.login_message_category)


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    csrf.init_app(app)
