"""Cookies marked Secure on every request that came over HTTPS (WSGI middleware)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)


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
