"""The bounds of every value a user can store, in one place, so pages, the API and
the command line refuse the same things with the same sentence.

Each check returns the clean value or raises :class:`BadInput` naming the field.
"""

from __future__ import annotations

from datetime import date

from webapp.errors import BadInput

#: Dates a case can carry: reviews, openings, meetings, report days.
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)
#: SQLite integers are signed 64-bit: a larger id cannot name a row.
MAX_ID = 2**63 - 1

#: Longest text per field, in characters.
TEXT_LIMITS = {
    "worker": 80,
    "ref": 40,
    "note": 500,
    "username": 40,
    "team": 80,
    "auditor": 80,
    "who": 80,
    "owner": 80,
    "action": 200,
    "timescale": 80,
    "reason": 200,
    "stage name": 60,
    "text": 500,
}


def check_date(value: date, name: str = "date") -> date:
    """``value`` when it lies from 2000-01-01 to 2100-12-31."""
    if not MIN_DATE <= value <= MAX_DATE:
        raise BadInput(
            f"{name} must be between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}, "
            f"not {value.isoformat()}"
        )
    return value


def check_text(value: str | None, name: str, limit: int | None = None) -> str | None:
    """``value`` stripped, when it is at most the field's length (None stays None)."""
    if value is None:
        return None
    limit = limit or TEXT_LIMITS.get(name, TEXT_LIMITS["text"])
    text = str(value).strip()
    if len(text) > limit:
        raise BadInput(f"{name} must be at most {limit} characters, not {len(text)}")
    if any(ord(c) < 32 and c not in "\t" for c in text):
        raise BadInput(f"{name} must be one line of text")
    return text


def check_number(value, name: str, low: float, high: float, *, whole: bool = False) -> float:
    """A number (a whole one with ``whole``) from ``low`` to ``high``."""
    if isinstance(value, bool):
        raise BadInput(f"{name} must be a number, not {value!r}")
    try:
        number = int(str(value).strip()) if whole else float(str(value).strip())
    except (TypeError, ValueError, OverflowError):
        kind = "a whole number" if whole else "a number"
        raise BadInput(f"{name} must be {kind}, not {value!r}") from None
    if number != number or not low <= number <= high:  # NaN fails the first test
        raise BadInput(f"{name} must be between {low:g} and {high:g}, not {value}")
    return number


def check_id(value, name: str = "id") -> int:
    """A row id: a whole number from 1 to 2^63 - 1."""
    return int(check_number(value, name, 1, MAX_ID, whole=True))
