"""Reading what a form or a query string sent, the same way on every page that asks."""

from __future__ import annotations

import calendar
from datetime import date

from flask import request

from webapp.accounts.teams import team_today
from webapp.errors import BadInput
from webapp.values.dates import parse_date


def field(name: str, default: str | None = "", *, as_typed: bool = False) -> str | None:
    """A form field with its surrounding spaces removed, or ``default`` when it is missing
    or empty. ``as_typed`` gives it exactly as sent (a password, a text the library cleans
    itself), ``default`` only when it is missing."""
    if as_typed:
        return request.form.get(name, default)
    return (request.form.get(name) or "").strip() or default


def form_fields(*names: str) -> dict[str, str | None]:
    """The named fields exactly as sent (None when missing), as keyword arguments for a
    library function that checks and cleans them itself."""
    return {name: request.form.get(name) for name in names}


def fields_named(prefix: str) -> dict[str, str]:
    """Every field whose name starts with ``prefix``, by the rest of its name, as sent
    (``param_weeks`` -> ``weeks``)."""
    return {k.removeprefix(prefix): v for k, v in request.form.items() if k.startswith(prefix)}


def field_list(name: str) -> list[str]:
    """Every value of a field sent more than once (ticked boxes), as sent."""
    return request.form.getlist(name)


def query_field(name: str, default: str | None = "", *, as_typed: bool = False) -> str | None:
    """A field of the query string or the form, as :func:`field` reads a form's."""
    if as_typed:
        return request.values.get(name, default)
    return (request.values.get(name) or "").strip() or default


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
    if not _is_real_day(day, month, year):
        raise BadInput(f"{what} must be a real date, for example 15 12 2026")
    return date(int(year), int(month), int(day)).isoformat()


def _is_real_day(day: str, month: str, year: str) -> bool:
    """Whole numbers that make a day of the calendar, the year written with four digits."""
    if not (day.isdecimal() and month.isdecimal() and year.isdecimal() and len(year) == 4):
        return False
    y, m, d = int(year), int(month), int(day)
    return y >= 1 and 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]
