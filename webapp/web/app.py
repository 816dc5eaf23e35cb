"""The caseboard web app: an app factory in the flaskr style.

Configuration flows defaults -> ``instance/caseboard.cfg`` -> ``CASEBOARD_*``
environment variables -> the ``config`` mapping given to :func:`create_app`.
"""

from __future__ import annotations

import mimetypes
import os
import secrets
import time
from contextlib import suppress
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from webapp.scans.uploads import MAX_MEGAPIXELS
from webapp.store.connection import open_store
from webapp.values.bounds import MAX_ID
from webapp.web import (
    audit_trail,
    dates,
    extensions,
    input_guard,
    json_guard,
    scan_worker,
    secure_cookies,
    security_headers,
    words,
)
from webapp.web.blueprints import register_blueprints
from webapp.web.error_pages import register_error_handlers
from webapp.web.nav import NAV_ITEMS
from webapp.web.oidc_client import init_sso
from webapp.web.upload_request import CaseboardRequest

SECRET_KEY_FILE = "secret_key"
DEFAULTS = {
    "DB": "caseboard.db",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
    "WTF_CSRF_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": None,
    "LOGIN_ATTEMPTS": 5,  # failures per user name and address within the window
    "LOGIN_USER_ATTEMPTS": 10,  # per user name, from any address
    "LOGIN_ADDRESS_ATTEMPTS": 30,  # per address, across user names (an office shares one)
    "LOGIN_WINDOW_SECONDS": 300,
    "SCAN_MAX_MEGAPIXELS": MAX_MEGAPIXELS,  # the largest photo the page and the API scan
}


mimetypes.add_type("application/manifest+json", ".webmanifest")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_folder(config))
    app.request_class = CaseboardRequest
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("caseboard.cfg", silent=True)
    app.config.from_prefixed_env("CASEBOARD")
    if config:
        app.config.update(config)
    app.config["DB"] = str(Path(app.config["DB"]).resolve())
    app.config["INSTANCE_PATH"] = app.instance_path
    open_store(app.config["DB"], create=True).close()
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))

    app.url_map.converters["int"] = StoreId  # before any route is added
    extensions.init_app(app)
    audit_trail.init_app(app)
    security_headers.init_app(app)
    input_guard.init_app(app)
    scan_worker.init_app(app)
    json_guard.init_app(app)
    init_sso(app)
    secure_cookies.init_app(app)
    register_blueprints(app)
    dates.register(app)
    words.register(app)
    register_error_handlers(app)

    @app.context_processor
    def navigation():
        return {"nav_items": NAV_ITEMS, "url_rules": set(app.view_functions)}

    return app


def instance_folder(config: dict | None) -> str | None:
    """The instance folder named by the ``config`` mapping or ``CASEBOARD_INSTANCE_PATH``
    (None: Flask's default beside the package). Settled before ``caseboard.cfg`` is read,
    so the file is read only from the folder the operator chose."""
    chosen = (config or {}).get("INSTANCE_PATH") or os.environ.get("CASEBOARD_INSTANCE_PATH")
    return str(Path(chosen).resolve()) if chosen else None


class StoreId(IntegerConverter):
    """``<int:...>`` in a URL: at most 2^63 - 1, the largest id SQLite stores (a larger
    number is a 404, not an overflow inside SQLite)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def instance_secret_key(folder: Path) -> str:
    """The secret that signs sessions and remember cookies, kept in the instance folder
    (``secret_key``, mode 0600, the folder 0700), made once so sessions survive a restart.

    Never in the store: whoever can read a copy of the store must not be able to forge a
    session. ``CASEBOARD_SECRET_KEY`` (or ``SECRET_KEY`` in caseboard.cfg) wins over it.
    """
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    _owner_only(folder, 0o700)
    path = folder / SECRET_KEY_FILE
    with suppress(FileExistsError):  # made already: read it below
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    _owner_only(path, 0o600)
    for _ in range(50):  # another process may be writing it at this moment
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    raise OSError(f"the secret key file {path} is empty: delete it and start again")


def _owner_only(path: Path, mode: int) -> None:
    info = path.stat()
    if info.st_mode & 0o077 and info.st_uid == os.getuid():
        path.chmod(mode)
