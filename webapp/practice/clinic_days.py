"""The clinic's calendar arithmetic: Thursdays from 14:00 to 15:30 in 15-minute steps,
never on a bank holiday or in the past (Case Progression Clinic Terms of Reference).
No store."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from webapp.errors import BadInput
from webapp.rules.team_rules import holiday_region
from webapp.values.workdays import holiday_name

THURSDAY = 3
OPENS, CLOSES = time(14, 0), time(15, 30)
STEP_MINUTES = 15


def clinic_day(on: date) -> date:
    """The Thursday of the week (Monday to Sunday) that contains ``on``."""
    return on + timedelta(days=THURSDAY - on.weekday())


def next_clinic(on: date) -> date:
    """The first clinic Thursday on or after ``on``."""
    return on + timedelta(days=(THURSDAY - on.weekday()) % 7)


def next_open_clinic(team: dict, today: date) -> date:
    """The first clinic Thursday from ``today`` that is not a bank holiday."""
    day = next_clinic(today)
    while day_refusal(day, today, holiday_region(team)):
        day += timedelta(days=7)
    return day


def minutes_of(t: time) -> int:
    return t.hour * 60 + t.minute


def clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_start(text: str) -> int:
    try:
        return minutes_of(datetime.strptime(text.strip(), "%H:%M").time())
    except ValueError:
        raise BadInput(f"slot start must be HH:MM, not {text!r}") from None


def day_refusal(day: date, today: date, region: str) -> str | None:
    """Why ``day`` cannot take a booking, or None when it can."""
    if day.weekday() != THURSDAY:
        return f"the clinic is on Thursdays; {day} is a {day:%A}"
    if day < today:
        return f"{day} is in the past (today is {today})"
    holiday = holiday_name(day, region)
    if holiday:
        return f"{day} is a bank holiday ({holiday}): no clinic"
    return None


def fits(start: int, minutes: int, taken: list[tuple[int, int]]) -> bool:
    end = start + minutes
    if start < minutes_of(OPENS) or end > minutes_of(CLOSES):
        return False
    return all(end <= s or start >= e for s, e in taken)
