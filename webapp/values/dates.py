"""Dates as users type them: one parser, so every page, the API and the CLI refuse the
same things with the same sentence."""

from __future__ import annotations

from datetime import date

from webapp.errors import BadInput
from webapp.values.bounds import check_date


def parse_date(value: str | date | None, name: str) -> date:
    """An ISO date (YYYY-MM-DD) that exists in the calendar, from 2000 to 2100."""
    if isinstance(value, date):
        return check_date(value, name)
    text = (value or "").strip()
    try:
        if len(text) != 10:
            raise ValueError
        parsed = date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{name} must be a real date as YYYY-MM-DD, not {value!r}") from None
    return check_date(parsed, name)
