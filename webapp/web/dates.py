"""One way to write a date and a time on every page: ``Tue 15 Dec 2026`` and
``Tue 15 Dec 2026, 14:05`` in the team's time zone (Europe/London unless the team set
another). Stored times are UTC; no page shows UTC.

Registered as Jinja filters by :func:`register`: ``longdate`` (a date, an ISO date
string or a datetime), ``when`` (a timestamp, with its time of day) and ``isodate``
(the ``YYYY-MM-DD`` a date input needs).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, g
from flask_login import current_user

from tilegen.domain import DEFAULT_TIMEZONE

DATE_FORMAT = "%a %-d %b %Y"
TIME_FORMAT = "%H:%M"


def team_zone() -> ZoneInfo:
    """The logged-in user's team's zone; Europe/London for a visitor."""
    name = DEFAULT_TIMEZONE
    if getattr(current_user, "is_authenticated", False):
        team = g.get("team")
        if team is None:
            from webapp.web.access import current_team

            team = current_team()
        name = team.get("timezone") or DEFAULT_TIMEZONE
    return ZoneInfo(name)


def _parse(value) -> date | datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("Z", "+00:00")
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text)


def _readable(value, parse=None):
    """``(parsed, None)``, or ``(None, text)`` when ``value`` is no date (a filter then
    shows it as it is)."""
    try:
        return (parse or _parse)(value), None
    except ValueError:
        return None, str(value)


def _local(moment: datetime, zone: ZoneInfo | None = None) -> datetime:
    """A stored moment (naive means UTC) in the team's zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone or team_zone())


def longdate(value, empty: str = "no date") -> str:
    """``2026-12-15`` (or a date, or a timestamp) -> ``Tue 15 Dec 2026``; what is no
    date comes back as it is."""
    parsed, unreadable = _readable(value)
    if unreadable is not None:
        return unreadable
    if parsed is None:
        return empty
    if isinstance(parsed, datetime):
        parsed = _local(parsed).date()
    return parsed.strftime(DATE_FORMAT)


def when(value, empty: str = "never") -> str:
    """A stored UTC timestamp -> ``Tue 15 Dec 2026, 14:05`` in the team's zone."""
    parsed, unreadable = _readable(value)
    if unreadable is not None:
        return unreadable
    if parsed is None:
        return empty
    if not isinstance(parsed, datetime):
        return parsed.strftime(DATE_FORMAT)
    local = _local(parsed)
    return f"{local.strftime(DATE_FORMAT)}, {local.strftime(TIME_FORMAT)}"


def isodate(value) -> str:
    """The ``YYYY-MM-DD`` a ``<input type=date>`` takes; empty for none."""
    parsed = _parse(value)
    if parsed is None:
        return ""
    if isinstance(parsed, datetime):
        parsed = _local(parsed).date()
    return parsed.isoformat()


def daymonth(value) -> str:
    """A date or timestamp -> ``30 Nov`` (in the team's zone), short enough for a tile."""
    parsed, unreadable = _readable(value)
    if unreadable is not None:
        return unreadable
    if parsed is None:
        return ""
    if isinstance(parsed, datetime):
        parsed = _local(parsed).date()
    return f"{parsed.day} {parsed:%b}"


def month_words(value) -> str:
    """``2026-12`` -> ``December 2026``; anything else comes back as it is."""
    month, unreadable = _readable(value, lambda v: datetime.strptime(str(v), "%Y-%m"))
    return unreadable if unreadable is not None else month.strftime("%B %Y")


def register(app: Flask) -> None:
    app.add_template_filter(month_words, "month_words")
    app.add_template_filter(daymonth, "daymonth")
    app.add_template_filter(longdate, "longdate")
    app.add_template_filter(when, "when")
    app.add_template_filter(isodate, "isodate")
