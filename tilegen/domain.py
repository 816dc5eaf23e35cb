"""The review-status rule (docs/contract.md §2) and the confidential board code. No I/O.

The status comes from the next review date compared with *today in the
deployment's time zone*: near midnight UTC, London may already be on the
next day (BST) and the answer must follow London, not the server clock.
"""

from __future__ import annotations

import re
import unicodedata
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


#: Letters that Unicode does not decompose into a base letter and an accent.
_LATIN_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i"}
)  # fmt: skip


def name_letters(name: str) -> str:
    """The plain letters A-Z of a name, in order: accents dropped (``Zoë`` -> ``Zoe``,
    ``Łucja`` -> ``Lucja``), and hyphens, apostrophes, spaces and anything else skipped."""
    decomposed = unicodedata.normalize("NFKD", (name or "").translate(_LATIN_LETTERS))
    return "".join(c for c in decomposed if c.isascii() and c.isalpha())


def board_code(first_name: str, surname: str) -> str:
    """``Thomas Wright`` -> ``TWr``: first initial, then the first two letters of the surname
    (Kent policy §10).

    The rule for names the policy's example does not cover:

    - accents are dropped and only the letters A-Z count (``Élodie Bañez`` -> ``EBa``);
    - a hyphen, apostrophe or space inside a name is skipped, so the letters are the first
      two of the surname as written (``O'Brien`` -> ``Ob``, ``Smith-Jones`` -> ``Sm``,
      ``de la Cruz`` -> ``De``);
    - a one-letter surname repeats its letter (``Thomas O`` -> ``TOo``), so every code has
      three letters;
    - a name with no letter A-Z left (a non-Latin script) raises ValueError: give that
      family's code by hand.

    Only the code is ever stored; callers must not keep the names.
    """
    first = name_letters(first_name)
    last = name_letters(surname)
    if not first:
        raise ValueError("the first name has no letter A-Z to take an initial from")
    if not last:
        raise ValueError("the surname has no letter A-Z to take a code from")
    if len(last) == 1:
        last += last
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
