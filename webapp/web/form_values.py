"""Reading what a form or a query string sent, the same way on every page that asks."""

from __future__ import annotations

from datetime import date

from flask import request

from webapp.accounts.teams import team_today
from webapp.errors import BadInput
from webapp.values.dates import parse_date


def field(name: str) -> str:
    """A form field with its surrounding spaces removed ("" when it is missing)."""
    return (request.form.get(name) or "").strip()


def query_field(name: str) -> str:
    """A field of the query string or the form, spaces removed ("" when missing)."""
    return (request.values.get(name) or "").strip()


def requested_date(name: str = "date", what: str = "The date") -> str:
    """A day asked for in the query string or the form, as ``YYYY-MM-DD``: one ``name``
    field, or the app's Day, Month and Year fields (``date_input``); "" for none."""
    return date_field(name, what, read=query_field)


def requested_day(team: dict) -> date:
    """The ``date`` asked for (BadInput when it is no real date), else the team's today."""
    value = requested_date()
    return parse_date(value, "date") if value else team_today(team)


def date_field(name: str, what: str = "The date", read=field) -> str:
    """A date as ``YYYY-MM-DD`` from either one ``name`` field (a date picker, the API's
    form; checked later by the library) or the three GOV.UK-style fields ``name-day``,
    ``name-month`` and ``name-year`` (the ``date_input`` macro in templates/_forms.html);
    "" when nothing was typed. Three fields that make no real date are a
    :class:`BadInput` in the words of the form ("... must be a real date")."""
    single = read(name)
    if single:
        return single
    parts = [read(f"{name}-{part}") for part in ("day", "month", "year")]
    if not any(parts):
        return ""
    day, month, year = parts
    try:
        if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
            raise ValueError(name)
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        raise BadInput(f"{what} must be a real date, for example 15 12 2026") from None
