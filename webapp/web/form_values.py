"""Reading what a form or a query string sent, the same way on every page that asks."""

from __future__ import annotations

from datetime import date

from flask import request

from webapp.cases.families import parse_date
from webapp.cases.teams import team_today


def field(name: str) -> str:
    """A form field with its surrounding spaces removed ("" when it is missing)."""
    return (request.form.get(name) or "").strip()


def requested_day(team: dict) -> date:
    """The ``date`` asked for (BadInput when it is no real date), else the team's today."""
    value = request.values.get("date")
    return parse_date(value, "date") if value else team_today(team)
