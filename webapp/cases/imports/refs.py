"""References and names: matching a reference however a spreadsheet rewrote it, and
keeping every name in the file's name columns out of the store and out of messages.

Excel drops the leading zeros of a reference it takes for a number (``000123`` becomes
``123``) and case systems differ in case, so references are compared by
:func:`ref_key`. A reference holding a word of the file's name columns ("Gormley
family") is refused: it would store a name. A refused cell is quoted in its message
unless it holds such a word.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W\d_]{2,}")


def clean_ref(text: str) -> str:
    """A reference as stored: its spaces tidied."""
    return " ".join(str(text).split())


def ref_key(text: str | None) -> str | None:
    """How references are compared: ``000123`` = ``123``, ``lcs-1`` = ``LCS-1``."""
    if not text:
        return None
    text = clean_ref(text).upper()
    if text.isdigit():
        text = text.lstrip("0") or "0"
    return text


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words_of(text: str) -> set[str]:
    """The words (two letters or more) of ``text``, folded: ``Bañez-Gormley`` ->
    ``{"banez", "gormley"}``."""
    return set(_WORD.findall(_fold(str(text))))


class Names:
    """The words of a file's name columns, held in memory only while it is read."""

    def __init__(self, words: set[str] | None = None):
        self.words = words or set()

    def add(self, value) -> None:
        if value is not None:
            self.words |= words_of(value)

    def holds(self, text) -> bool:
        return bool(self.words & words_of(text))

    def quote(self, value) -> str:
        """``value`` quoted for a message, unless it holds a word of the name columns."""
        text = " ".join(str(value).split())
        if self.holds(text):
            return "the cell (it holds a word from the name columns, so is not shown)"
        if len(text) > 60:
            text = text[:57] + "..."
        return repr(text)
