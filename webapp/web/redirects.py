"""Where a form may send the user next: only a path on this site.

Every redirect taken from a form or a query string (``next``, ``back``) goes
through :func:`safe_next`, so no link can bounce a logged-in user to another
host. Browsers drop TAB, CR and LF inside URLs and read ``\\`` as ``/``, so
``/\\t/evil.example`` and ``/\\evil.example`` would both become
``//evil.example``: any control character or backslash is refused outright, and so is
a target longer than :data:`MAX_NEXT` (a 70 KB field must not come back in a
``Location`` header, where proxies refuse it or cut it).
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import flash, redirect

#: The longest address a form or a query string may send the user on to.
MAX_NEXT = 2000


def safe_next(target: str | None, default: str | None = None) -> str | None:
    """``target`` when it is a local path (``/...``) of at most ``MAX_NEXT`` characters,
    else ``default``."""
    if not target or len(target) > MAX_NEXT or not _is_local_path(target):
        return default
    return target


def _is_local_path(target: str) -> bool:
    for form in (target, unquote(target)):  # also refuse what percent-decoding would reveal
        if not form.startswith("/") or form.startswith("//"):
            return False
        if "\\" in form or any(ord(c) < 32 or ord(c) == 127 for c in form):
            return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def back_with_error(message: object, url: str, field: str | None = None):
    """A refused form: flash the reason (an exception or a sentence) and go back to the form.

    This is the one place a view turns a library error into a flash rather than an
    error page, for forms whose page shows the message next to what was typed. With the
    ``field`` (the id of the control it is about) the page's error summary links to that
    control and the control shows the message too (templates/_forms.html).
    """
    flash(str(message), f"error:{field}" if field else "error")
    return redirect(url)
