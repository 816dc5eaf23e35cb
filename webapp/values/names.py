"""People's names as caseboard compares them."""

from __future__ import annotations


def name_key(name: str | None) -> str:
    """A worker's name as compared: words joined by one space, case folded."""
    return " ".join((name or "").split()).casefold()
