"""The caseboard web app: an app factory in the flaskr style.

Configuration flows defaults -> ``instance/caseboard.cfg`` -> ``CASEBOARD_*``
environment variables -> the ``config`` mapping given to :func:`create_app`.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask

from webapp.cases.sync.uploads import MAX_MEGAPIXELS
from webapp.cases.teams import get_setting, set_setting
from webapp.store.connection import open_store
from webapp.web import extensions
from webapp.web.blueprints import register_blueprints
from webapp.web.error_pages import register_error_handlers
from webapp.web.nav import NAV_ITEMS
from webapp.web.requests import CaseboardRequest

DEFAULTS = {
    "DB": "caseboard.db",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
    "WTF_CSRF_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": None,
    "LOGIN_ATTEMPTS": 5,
    "LOGIN_WINDOW_SECONDS": 300,
    "SCAN_MAX_MEGAPIXELS": MAX_MEGAPIXELS,  # the largest photo the page and the API scan
}


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = CaseboardRequest
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("caseboard.cfg", silent=True)
    app.config.from_prefixed_env("CASEBOARD")
    if config:
        app.config.update(config)
    app.config["DB"] = str(Path(app.config["DB"]).resolve())

    db = open_store(app.config["DB"], create=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _stored_secret_key(db)
    db.close()

    extensions.init_app(app)
    register_blueprints(app)
    register_error_handlers(app)

    @app.context_processor
    def navigation():
        return {"nav_items": NAV_ITEMS, "url_rules": set(app.view_functions)}

    return app


def _stored_secret_key(db) -> str:
    """A per-store secret, made once, so sessions survive a restart."""
    key = get_setting(db, "secret_key")
    if not key:
        key = secrets.token_hex(32)
        set_setting(db, "secret_key", key)
    return key
