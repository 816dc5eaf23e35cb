"""The review-status rule (docs/contract.md §2) and the confidential board code. No I/O.

The status comes from the next review date compared with *today in the
deployment's time zone*: near midnight UTC, London may already be on the
next day (BST) and the answer must follow London, not the server clock.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

RED, AMBER, GREEN, CLOSED = "red", "amber", "green", "closed"
DEFAULT_AMBER_DAYS = 14
DEFAULT_TIMEZONE = "Europe/London"

_EXPECTED_ZONE = {RED: "red", AMBER: "amber", GREEN: "main"}
_BOARD_CODE_RE = re.compile(r"^[A-Za-z]{3}$")


def today(tz: str = DEFAULT_TIMEZONE, now: datetime | None = None) -> date:
    """Today's date in ``tz``; ``now`` (aware, or naive meaning UTC) is for tests."""
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(ZoneInfo(tz)).date()


def review_status(
    next_review: date | None,
    today: date,
    amber_days: int = DEFAULT_AMBER_DAYS,
    closed: bool = False,
) -> str:
    """``red`` before today, ``amber`` from today to today+amber_days inclusive, else ``green``.

    A case with no review date at all has drifted by definition, so it is red.
    """
    if closed:
        return CLOSED
    if next_review is None or next_review < today:
        return RED
    if next_review <= today + timedelta(days=amber_days):
        return AMBER
    return GREEN


def expected_zone(status: str) -> str | None:
    """The zone a tile of this status belongs in; None for a closed case (off the boards)."""
    return _EXPECTED_ZONE.get(status)


def should_move(last_zone: str | None, status: str) -> bool:
    """True when the tile was last seen in a zone other than the one its status expects.

    A tile never seen has no position to correct, and a closed case is off the boards.
    """
    expected = expected_zone(status)
    return last_zone is not None and expected is not None and last_zone != expected


def board_code(first_name: str, surname: str) -> str:
    """``Thomas Wright`` -> ``TWr``: first initial, then the first two letters of the surname.

    Only the code is ever stored; callers must not keep the names.
    """
    first = [c for c in first_name if c.isalpha()]
    last = [c for c in surname if c.isalpha()]
    if not first or len(last) < 2:
        raise ValueError("need a first name and a surname of at least two letters")
    return first[0].upper() + last[0].upper() + last[1].lower()


def normalise_board_code(code: str) -> str:
    """Accept ``TWr`` in any case and return it in the standard case, or raise ValueError."""
    code = code.strip()
    if not _BOARD_CODE_RE.match(code):
        raise ValueError(f"board code must be three letters like TWr, not {code!r}")
    return code[0].upper() + code[1].upper() + code[2].lower()


MAX_CODES = 6


def board_codes(text: str) -> list[str]:
    """``"twr JWr"`` -> ``["TWr", "JWr"]``: one to six board codes of one family group.

    A tile is a family group, so it may carry each child's code (docs/contract.md §6).
    The store keeps them as one space-separated string in ``initials``.
    """
    codes = (text or "").split()
    if not codes:
        raise ValueError("a tile needs at least one board code like TWr")
    if len(codes) > MAX_CODES:
        raise ValueError(f"a tile holds at most {MAX_CODES} board codes, not {len(codes)}")
    normalised = []
    for code in codes:
        try:
            normalised.append(normalise_board_code(code))
        except ValueError:
            raise ValueError(f"board code must be three letters like TWr, not {code!r}") from None
    return normalised


def days_until(next_review: date, today: date) -> int:
    """Positive when due in the future, negative when overdue."""
    return (next_review - today).days


def describe_due(next_review: date | None, today: date) -> str:
    """``due in 9 days`` / ``due today`` / ``3 days overdue``, for pages and stickers."""
    if next_review is None:
        return "no review date"
    days = days_until(next_review, today)
    if days == 0:
        return "due today"
    if days > 0:
        return f"due in {days} day{'s' if days != 1 else ''}"
    return f"{-days} day{'s' if days != -1 else ''} overdue"
