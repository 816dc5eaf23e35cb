"""Deadlines counted in working days: Monday to Friday, less the bank holidays of the
team's region (England by default), from the ``holidays`` package. No I/O.

The deadlines come from the source documents:

* a core assessment is due within 42 working days (Kent extended case file audit §4.1);
* a supervision record is due within 5 working days of the discussion, or within
  24 hours for a significant case decision or an urgent matter (Islington case
  management supervision policy, "Frequency").
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from webapp.errors import BadInput

#: Region name (the team setting ``holiday_region``) -> the ``holidays`` subdivision of GB.
REGIONS = {
    "England": "ENG",
    "Wales": "WLS",
    "Scotland": "SCT",
    "Northern Ireland": "NIR",
}
DEFAULT_REGION = "England"

CORE_ASSESSMENT_WORKING_DAYS = 42
SUPERVISION_RECORD_WORKING_DAYS = 5
SIGNIFICANT_DECISION_DAYS = 1  # 24 hours: by the end of the next calendar day


def check_region(region: str | None) -> str:
    """The canonical region name, or :class:`BadInput`."""
    region = region or DEFAULT_REGION
    for name in REGIONS:
        if name.lower() == region.strip().lower():
            return name
    raise BadInput(f"holiday region must be one of {', '.join(REGIONS)}, not {region!r}")


@lru_cache(maxsize=64)
def _holidays_for(region: str, year: int) -> frozenset[date]:
    found = holidays.country_holidays("GB", subdiv=REGIONS[region], years=year)
    return frozenset(found)


def bank_holidays(year: int, region: str = DEFAULT_REGION) -> frozenset[date]:
    """The bank holidays of ``region`` in ``year`` (substitute days included)."""
    return _holidays_for(region if region in REGIONS else check_region(region), year)


def holiday_name(day: date, region: str = DEFAULT_REGION) -> str | None:
    """The name of the bank holiday on ``day`` in ``region``, or None."""
    if day not in bank_holidays(day.year, region):
        return None
    found = holidays.country_holidays("GB", subdiv=REGIONS[check_region(region)], years=day.year)
    return found.get(day)


def is_working_day(day: date, region: str = DEFAULT_REGION) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year, region)


@lru_cache(maxsize=8192)  # pure: many cases and records share their start days
def add_working_days(start: date, days: int, region: str = DEFAULT_REGION) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts).

    ``add_working_days(friday, 1)`` is the next Monday, unless that is a bank holiday.
    """
    if days < 0:
        raise BadInput("a number of working days must not be negative")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day, region):
            days -= 1
    return day


def subtract_working_days(end: date, days: int, region: str = DEFAULT_REGION) -> date:
    """The ``days``-th working day before ``end`` (``end`` itself never counts)."""
    if days < 0:
        raise BadInput("a number of working days must not be negative")
    day = end
    while days:
        day -= timedelta(days=1)
        if is_working_day(day, region):
            days -= 1
    return day


def working_days_between(start: date, end: date, region: str = DEFAULT_REGION) -> int:
    """How many working days fall after ``start``, up to and including ``end``: the
    weekdays, counted by whole weeks, less the bank holidays on weekdays."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    weekdays = weeks * 5 + sum(
        (start + timedelta(days=k)).weekday() < 5 for k in range(1, rest + 1)
    )
    holidays_off = sum(
        1
        for year in range(start.year, end.year + 1)
        for day in bank_holidays(year, region)
        if start < day <= end and day.weekday() < 5
    )
    return weekdays - holidays_off


def core_assessment_due(start: date, region: str = DEFAULT_REGION) -> date:
    """When a core assessment begun on ``start`` must be complete (42 working days)."""
    return add_working_days(start, CORE_ASSESSMENT_WORKING_DAYS, region)


def record_due(discussed_on: date, significant: bool = False, region: str = DEFAULT_REGION) -> date:
    """The last day a supervision record may be written: 5 working days after the
    discussion, or within 24 hours (by the end of the next day) for a significant decision."""
    if significant:
        return discussed_on + timedelta(days=SIGNIFICANT_DECISION_DAYS)
    return add_working_days(discussed_on, SUPERVISION_RECORD_WORKING_DAYS, region)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a calendar month."""
    first = date(year, month, 1)
    return first, add_months(first, 1) - timedelta(days=1)


#: Day names as teams set their meeting day, Monday first (``date.weekday()`` order).
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
