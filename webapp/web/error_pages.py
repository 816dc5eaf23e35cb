"""One error path for the whole app.

Views raise the library's exceptions (``BadInput``, ``NotFound``, ``NoStore``) or
``abort(code)`` and never draw an error page themselves. The handlers here answer
every one of them, and any uncaught exception, in one of two ways: ``{"error": "..."}``
for the JSON API (``/api/...``), else ``error.html``: a plain heading and sentence,
the navigation, and a way back. Nobody sees a traceback or a bare Werkzeug page;
an unexpected exception is logged with its traceback and shown as a plain 500.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, jsonify, render_template, request
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from webapp.errors import (
    BadInput,
    CaseboardError,
    NoStore,
    NotAllowed,
    NotFound,
    StoreBusy,
    TooLarge,
    TooMany,
)
from webapp.store.connection import is_busy
from webapp.web.redirects import safe_next

#: status -> (heading, sentence) shown on the error page
PAGES = {
    400: (
        "That could not be done",
        "Something in the form or the address was not right. Go back, check it and try again.",
    ),
    401: ("Please log in", "Log in to see this page."),
    403: (
        "That is not open to your role",
        "Your role cannot see or change this. Ask a manager or an admin if you need it.",
    ),
    404: (
        "We can't find that page",
        "The link may be old or mistyped, or the page belongs to another team.",
    ),
    405: (
        "That can't be done from here",
        "Use the buttons and forms on caseboard's own pages.",
    ),
    413: (
        "That upload is too large",
        "caseboard accepts up to {limit} in one go. Send fewer or smaller files.",
    ),
    429: ("Too many tries", "Wait a few minutes, then try again."),
    500: (
        "Something went wrong on our side",
        "caseboard could not finish this. Try again; if it keeps happening, tell your admin.",
    ),
    503: (
        "The case store is not available",
        "caseboard cannot open its store right now. Ask your admin to check it is set up.",
    ),
}
BUSY = (
    "Busy: please try again",
    "Many changes are being saved at this moment. Nothing was changed: try again in a moment.",
)
TILE_NOT_FOUND = (
    "We can't find that tile",
    "This tile belongs to another team or no longer exists. Find the case on your team's boards.",
)
FORM_EXPIRED = (
    "The form expired",
    "The form expired or was sent twice. Go back, reload the page and try again.",
)
LIBRARY_STATUS = (
    (TooLarge, 413),
    (TooMany, 429),
    (BadInput, 400),
    (NotAllowed, 403),
    (NotFound, 404),
    (NoStore, 503),
    (StoreBusy, 503),
)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CaseboardError, library_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(OverflowError, number_too_large)
    app.register_error_handler(Exception, unexpected_error)


def status_of(exc: CaseboardError) -> int:
    """The HTTP status of a library exception (400 for a kind not listed)."""
    return next((code for kind, code in LIBRARY_STATUS if isinstance(exc, kind)), 400)


def library_error(exc: CaseboardError):
    """A library exception: its own message is the detail (bar a missing store's path)."""
    status = status_of(exc)
    if isinstance(exc, NoStore):
        current_app.logger.error("no store: %s", exc)
        return _answer(status, detail=None)
    if isinstance(exc, StoreBusy):
        return store_busy(exc)
    return _answer(status, detail=_page_words(str(exc)), json_message=str(exc))


def _page_words(message: str) -> str:
    """A library message as a page says it: "no family with token X" is the store's
    wording; a person is looking for a tile (the API and the command line keep it)."""
    prefix = "no family with token "
    if message.startswith(prefix):
        return f"No tile with the code {message[len(prefix) :]} is on your team's boards."
    return message


def store_busy(exc: Exception):
    """Writers queued past the retries: 503 and Retry-After, so clients and people retry."""
    current_app.logger.warning("store busy on %s %s: %s", request.method, request.path, exc)
    retry = [("Retry-After", str(StoreBusy.retry_after))]
    return _answer(503, detail=None, json_message=BUSY[1], words=BUSY, headers=retry)


def http_error(exc: HTTPException):
    """``abort(code)`` and Werkzeug's own errors (404 routes, 405, 413, CSRF's 400)."""
    if exc.code is None or exc.code < 400:
        return exc  # not an error: let Flask send it as it is
    original = getattr(exc, "original_exception", None)
    if original is not None and (isinstance(original, StoreBusy) or is_busy(original)):
        return store_busy(original)  # raised where Flask makes a 500 of it (after_request)
    custom = exc.description if exc.description != type(exc).description else None
    words = FORM_EXPIRED if isinstance(exc, CSRFError) else None
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    return _answer(exc.code, custom, json_message=exc.description, words=words, headers=headers)


def number_too_large(exc: OverflowError):
    """A number past what the store or the calendar holds (an id of 2^63, a year 10000)."""
    return _answer(400, detail="a number in the request is too large")


def unexpected_error(exc: Exception):
    """Anything else: log the traceback, show a plain 500 (a locked store: a 503)."""
    if is_busy(exc):
        return store_busy(exc)
    current_app.logger.exception("unexpected error on %s %s", request.method, request.path)
    return _answer(500, detail=None)


def _answer(status: int, detail: str | None, json_message=None, words=None, headers=()):
    """JSON for the API, else the error page; ``detail`` is the specific reason, if any."""
    heading, sentence = words or _words(status)
    if _wants_json():
        return json_error(json_message or detail or sentence, status, headers)
    page = {
        "status": status,
        "heading": heading,
        "sentence": sentence,
        "detail": detail,
        "back": _back_link(),
    }
    return _render(page), status, list(headers)


def json_error(message: str, status: int, headers=()):
    """The one JSON error body: ``{"error": "..."}`` (docs/contract.md §4)."""
    response = jsonify({"error": message})
    response.status_code = status
    response.headers.extend(headers)
    return response


def _words(status: int) -> tuple[str, str]:
    if status == 404 and request.path[:3] in ("/t/", "/T/"):
        return TILE_NOT_FOUND
    heading, sentence = PAGES.get(status, PAGES[500] if status >= 500 else PAGES[400])
    if status == 413:
        sentence = sentence.format(limit=_size(request.max_content_length))  # this page's own
    return heading, sentence


def _size(limit: int | None) -> str:
    if not limit:
        return "the size the server allows"
    if limit >= 1024 * 1024:
        return f"{limit // (1024 * 1024)} MB"
    return f"{max(1, limit // 1024)} KB"


def _wants_json() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def _back_link() -> str | None:
    """The page the user came from, when it is on this site and is neither this page nor
    the login form (which would only send a logged-in user straight back here)."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if (parts.netloc and parts.netloc != request.host) or parts.path == "/login":
        return None
    target = safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))
    if target in (request.path, request.full_path):
        return None
    return target


def _render(page: dict) -> str:
    """``error.html`` with the navigation; without it when even that fails.

    Drawing the navigation loads the logged-in user from the store, so a missing or
    broken store fails again here: the page is then drawn as for a visitor, through
    the template directly, without the context processors that read the store.
    """
    try:
        return render_template("error.html", **page)
    except Exception:
        current_app.logger.exception("the error page could not draw the navigation")
    template = current_app.jinja_env.get_template("error.html")
    return template.render(
        **page,
        current_user=AnonymousUserMixin(),
        nav_items=(),
        url_rules=set(current_app.view_functions),
    )
