"""One way to refuse a form: it goes back to its page with the message.

Views that take a form do not catch the library's refusals themselves. They raise
(or let the library raise) a :class:`~webapp.errors.BadInput`, and :func:`refused_form`
around the view answers it, with nothing written:

* ``back``: the form's page is another address (the tile page, an admin section, the
  agenda). The message is flashed and the browser goes back there (302); the page's
  error summary shows it, at the control named by ``field`` when there is one.
* ``page``: the form's page is drawn again in answer to the post, with the message and
  the refusal's status (400). This is for the forms whose refusal has always been a
  400 (the clinic, supervision, alerts and rules pages).
* A request that asks for JSON gets the one JSON error body, ``{"error": message}``
  (:func:`webapp.web.error_pages.json_error`, as the API answers), with the status.

A limit (``TooLarge``, 413; ``TooMany``, 429) is not a refusal of what was typed: it goes
on to the app's error page, and so does any exception in ``passes``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import flash, make_response, request

from webapp.errors import BadInput, CaseboardError, TooLarge, TooMany
from webapp.web.error_pages import json_error, status_of
from webapp.web.redirects import back_with_error


def refused_form(
    back: Callable[..., str] | None = None,
    *,
    page: Callable[[], object] | None = None,
    field: str | None = None,
    refuses: tuple[type[Exception], ...] = (BadInput,),
    passes: tuple[type[Exception], ...] = (),
    words: Callable[..., str] | None = None,
):
    """Answer a refused form (one of ``refuses``) as its page does.

    ``back(**view_args)`` is the address to go back to, or ``page()`` draws the page
    again; ``words(exc, **view_args)`` words the message on the page (default: the
    exception's own). When ``back`` or ``page`` cannot be found
    either (another team's token, a meeting date that is no date), what they raise is
    answered by the app's error page, as before any form was read.
    """
    if (back is None) == (page is None):
        raise TypeError("give either back= or page=")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except refuses as exc:
                if isinstance(exc, (TooLarge, TooMany, *passes)):
                    raise
                return _answer(exc, kwargs)

        return wrapped

    def _answer(exc: Exception, view_args: dict):
        status = status_of(exc) if isinstance(exc, CaseboardError) else 400
        if request.accept_mimetypes.best == "application/json":
            return json_error(str(exc), status)
        message = words(exc, **view_args) if words else str(exc)
        if back is not None:
            return back_with_error(message, back(**view_args), field)
        flash(message, f"error:{field}" if field else "error")
        response = make_response(page())
        response.status_code = status
        return response

    return decorator
