"""Dates as case-system exports write them: UK order, never US order.

Accepted: ``2026-12-04`` (ISO); ``04/12/2026`` and ``4/12/26`` (day first; ``-`` or ``.``
may stand for ``/``); worded months, ``04-Dec-2026``, ``4 December 2026``, ``4 Dec 26``;
each optionally followed by a time of day (CSV files saved by Excel often add ``00:00``);
Excel date cells, and Excel's date numbers where a date column was left in General
format (``46360`` is 2026-12-04).

A date that reads only month-first (``12/31/2026``) is refused, and so is the whole
column it is in (see :func:`month_first_only`): a column written month-first also holds
dates like ``04/12/2026`` that read wrongly day-first, and guessing would put a family
on the wrong day without anyone noticing.

A two-digit year is the nearest year that is at most 10 years after the day of the
import: ``01/06/99`` is 1999, not 2099.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$")
_DAY_FIRST = re.compile(rf"^(\d{{1,2}})[/.-](\d{{1,2}})[/.-](\d{{2}}|\d{{4}}){_TIME}$")
_WORDED = re.compile(
    rf"^(?:[a-z]+,?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?[\s/.-]+([a-z]{{3,9}})\.?,?[\s/.-]+"
    rf"(\d{{2}}|\d{{4}}){_TIME}$",
    re.IGNORECASE,
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sep sept",
            "october oct",
            "november nov",
            "december dec",
        ),
        start=1,
    )
    for name in names.split()
}
#: Excel's day 0 (its 1900 calendar, after its leap-year bug).
_EXCEL_EPOCH = date(1899, 12, 30)
#: Date numbers read as dates in a date column: 1990-01-01 to 2100-12-31.
_SERIALS = (32874, 73415)
#: A two-digit year is at most this many years after the day of the import.
YEARS_AHEAD = 10
#: A cell that may be shown in an error message: digits and date punctuation only, so
#: never a name, even when a column was mapped to the wrong field.
_SHOWABLE = re.compile(r"^[\d\s/.:T-]{1,25}$")


class DateError(ValueError):
    """A cell that is not a date caseboard accepts; the message never quotes a name."""


def shown(value) -> str:
    """``value`` quoted for an error message when it cannot be a name, else ``the cell``."""
    text = str(value).strip()
    return repr(text) if _SHOWABLE.match(text) else "the cell"


def _year(text: str, today: date | None) -> int:
    year = int(text)
    if len(text) == 4:
        return year
    limit = (today or date.today()).year + YEARS_AHEAD
    year += (limit // 100) * 100
    return year if year <= limit else year - 100


def parse_export_date(value, today: date | None = None) -> date | None:
    """The date in one cell, or None for an empty cell; raises :class:`DateError`.
    ``today`` is the day of the import (it places two-digit years)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise DateError(f"{value!r} is not a date")
    if isinstance(value, int | float):
        return _serial(value)
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit() and len(text) == 5:
        return _serial(int(text))
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _real(year, month, day, text)
    if match := _DAY_FIRST.match(text):
        day, month = int(match.group(1)), int(match.group(2))
        year = _year(match.group(3), today)
        if month > 12 and day <= 12:
            raise DateError(
                f"{shown(text)} reads only month first (US order); "
                f"write it day first, as {month:02d}/{day:02d}/{year}"
            )
        return _real(year, month, day, text)
    if (match := _WORDED.match(text)) and match.group(2).lower() in _MONTHS:
        month = _MONTHS[match.group(2).lower()]
        return _real(_year(match.group(3), today), month, int(match.group(1)), text)
    raise DateError(f"{shown(text)} is not a date like 04/12/2026, 2026-12-04 or 4 December 2026")


def month_first_only(value) -> bool:
    """True when ``value`` reads as a date only month first (``12/31/2026``)."""
    if not isinstance(value, str):
        return False
    match = _DAY_FIRST.match(value.strip())
    return bool(match) and int(match.group(2)) > 12 and int(match.group(1)) <= 12


def _serial(number: float) -> date:
    if not _SERIALS[0] <= number <= _SERIALS[1]:
        raise DateError(f"{number!r} is a number, not a date: format the column as dates")
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _real(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"{shown(text)} is not a real date") from None
