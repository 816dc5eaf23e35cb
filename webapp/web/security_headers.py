"""Response headers every answer carries: a Content-Security-Policy without inline
script, no framing, no referrer off the site (tile URLs carry tokens), no MIME
sniffing, HSTS over HTTPS, and no caching of anything but static files.

A small ``after_request`` rather than flask-talisman: five headers, and HSTS must
follow each request's own scheme (the same install may be reached over plain HTTP
on the office network and over HTTPS through a proxy; see
``secure_cookies.SecureCookiesOverHttps``).
"""

from __future__ import annotations

from flask import Flask, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",  # no inline script, no eval
        "style-src 'self'",
        "img-src 'self' data: blob:",  # the scan page previews the chosen photos
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",  # frame-ancestors for older browsers
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    app.after_request(add_headers)


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static":
        # Pages, exports and API answers may show case data: never kept by the browser
        # or a proxy, so the back button on a shared PC shows nothing after logout.
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response
