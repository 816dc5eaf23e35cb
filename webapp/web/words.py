"""Plain words for the pages: what a status or a zone is called, in one place, as Jinja
filters (``status_word``, ``zone_word``). Pages name a family by its board code and never
show a token, an internal key or a fraction."""

from __future__ import annotations

from flask import Flask

STATUS_WORDS = {"red": "overdue", "amber": "due soon", "green": "on track", "closed": "closed"}
ZONE_WORDS = {"main": "main area", "amber": "amber section", "red": "red section"}


def status_word(status: str | None) -> str:
    return STATUS_WORDS.get(status or "", status or "")


def zone_word(zone: str | None) -> str:
    return ZONE_WORDS.get(zone or "", zone or "no zone")


def percent(fraction) -> str:
    """``0.875`` -> ``87.5 %`` (a zone's edge across or down its board)."""
    value = round(float(fraction) * 100, 1)
    return f"{value:g} %"


def register(app: Flask) -> None:
    app.add_template_filter(status_word, "status_word")
    app.add_template_filter(zone_word, "zone_word")
    app.add_template_filter(percent, "percent")
