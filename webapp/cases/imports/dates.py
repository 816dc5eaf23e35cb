"""Dates as case-system exports write them: UK order, never US order.

Accepted: ``2026-12-04`` (ISO), ``04/12/2026`` and ``4/12/26`` (day first; ``-`` or ``.``
may stand for ``/``; a two-digit year is 20YY), each optionally followed by a time of day
(CSV files saved by Excel often add ``00:00``), and Excel date cells. A date that reads
only month-first (``12/31/2026``) is refused: guessing would put a family on the wrong
day without anyone noticing.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$")
_DAY_FIRST = re.compile(rf"^(\d{{1,2}})[/.-](\d{{1,2}})[/.-](\d{{2}}|\d{{4}}){_TIME}$")
#: A cell that may be shown in an error message: digits and date punctuation only, so
#: never a name, even when a column was mapped to the wrong field.
_SHOWABLE = re.compile(r"^[\d\s/.:T-]{1,25}$")


class DateError(ValueError):
    """A cell that is not a date caseboard accepts; the message never quotes a name."""


def shown(value) -> str:
    """``value`` quoted for an error message when it cannot be a name, else ``the cell``."""
    text = str(value).strip()
    return repr(text) if _SHOWABLE.match(text) else "the cell"


def parse_export_date(value) -> date | None:
    """The date in one cell, or None for an empty cell; raises :class:`DateError`."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        raise DateError(f"{value!r} is a number, not a date: format the column as dates")
    text = str(value).strip()
    if not text:
        return None
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _real(year, month, day, text)
    if match := _DAY_FIRST.match(text):
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            year += 2000
        if month > 12 and day <= 12:
            raise DateError(
                f"{shown(text)} reads only month first (US order); "
                f"write it day first, as {month:02d}/{day:02d}/{year}"
            )
        return _real(year, month, day, text)
    raise DateError(f"{shown(text)} is not a date like 04/12/2026 or 2026-12-04")


def _real(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"{shown(text)} is not a real date") from None
