"""Working-day arithmetic across Christmas, Easter and substitute bank holidays."""

from datetime import date, timedelta

import numpy as np
import pytest

from webapp.errors import BadInput
from webapp.values.workdays import (
    add_months,
    add_working_days,
    bank_holidays,
    check_region,
    core_assessment_due,
    is_working_day,
    month_bounds,
    record_due,
    working_days_between,
)


def test_christmas_2024_skips_christmas_and_boxing_day():
    assert add_working_days(date(2024, 12, 24), 1) == date(2024, 12, 27)
    # Fri 20 Dec + 5 working days: 23, 24, 27, 30, 31
    assert add_working_days(date(2024, 12, 20), 5) == date(2024, 12, 31)


def test_christmas_on_a_weekend_uses_the_substitute_days():
    # 2021: Christmas Saturday, Boxing Day Sunday -> Mon 27 and Tue 28 are off
    assert not is_working_day(date(2021, 12, 27))
    assert not is_working_day(date(2021, 12, 28))
    assert add_working_days(date(2021, 12, 24), 1) == date(2021, 12, 29)
    # and New Year 2022 fell on a Saturday: Mon 3 January off
    assert add_working_days(date(2021, 12, 31), 1) == date(2022, 1, 4)


def test_easter_2025_skips_good_friday_and_easter_monday():
    assert add_working_days(date(2025, 4, 17), 1) == date(2025, 4, 22)
    assert record_due(date(2025, 4, 17)) == date(2025, 4, 28)
    assert working_days_between(date(2025, 4, 17), date(2025, 4, 22)) == 1


def test_scotland_has_no_easter_monday():
    assert add_working_days(date(2025, 4, 17), 1, "Scotland") == date(2025, 4, 21)
    assert date(2025, 4, 21) in bank_holidays(2025, "England")
    assert date(2025, 4, 21) not in bank_holidays(2025, "scotland")


def test_record_due_24_hours_for_significant_decisions():
    friday = date(2024, 5, 3)
    assert record_due(friday, significant=True) == date(2024, 5, 4)
    # five working days from Friday 3 May 2024 skips the May Day bank holiday (Mon 6)
    assert record_due(friday) == date(2024, 5, 13)


def test_core_assessment_42_working_days_agrees_with_numpy():
    """Cross-check against numpy's business-day calendar over two years of start dates."""
    hols = sorted(bank_holidays(2024) | bank_holidays(2025) | bank_holidays(2026))
    calendar = np.busdaycalendar(holidays=[np.datetime64(d) for d in hols])
    start = date(2024, 1, 1)
    for offset in range(0, 730, 3):
        day = start + timedelta(days=offset)
        expected = np.busday_offset(np.datetime64(day), 42, roll="forward", busdaycal=calendar)
        if not is_working_day(day):
            # numpy rolls a non-working start forward first; that day counts as step 0
            expected = np.busday_offset(np.datetime64(day), 41, roll="forward", busdaycal=calendar)
        assert core_assessment_due(day) == expected.astype(object), day


def test_working_days_between_is_the_inverse_of_adding():
    start = date(2024, 12, 20)
    for n in range(0, 30):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_bad_region_and_negative_days():
    with pytest.raises(BadInput):
        check_region("Narnia")
    with pytest.raises(BadInput):
        add_working_days(date(2024, 1, 1), -1)


def test_month_arithmetic_at_month_ends():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 12, 31), 2) == date(2024, 2, 29)
    assert add_months(date(2024, 11, 30), 2) == date(2025, 1, 30)
    assert add_months(date(2024, 3, 15), -3) == date(2023, 12, 15)
    assert month_bounds(2024, 2) == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds(2024, 12) == (date(2024, 12, 1), date(2024, 12, 31))
