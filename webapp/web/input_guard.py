"""Checks every request's query string gets before any view runs: a ``date`` must be a
real day from 2000 to 2100 on every page, whether that page reads it or not, so
``?date=9999-12-31`` is one clear 400 everywhere rather than a surprise on a page that
starts to read it later."""

from __future__ import annotations

from flask import Flask, request

from webapp.values.dates import parse_date

DATE_ARGS = ("date",)


def init_app(app: Flask) -> None:
    app.before_request(check_query)


def check_query() -> None:
    for name in DATE_ARGS:
        value = request.args.get(name)
        if value:
            parse_date(value, name)  # BadInput -> 400 with the reason
