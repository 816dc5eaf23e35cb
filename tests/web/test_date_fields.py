"""The agenda, alerts and drift pages ask for dates with the app's Day, Month and Year
fields (a browser's date picker showed US order), and read them back as the day meant."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers.web import flatten, text


@pytest.mark.parametrize("path", ["/agenda", "/alerts", "/reports/drift"])
def test_no_native_date_picker(client_for, family, path):
    family("TWr", stage=1, due=-3)
    page = text(client_for("manager").get(path))
    assert 'type="date"' not in page
    assert 'name="date-day"' in page and 'name="date-month"' in page and 'name="date-year"' in page


def test_the_three_fields_choose_the_day(client_for):
    client = client_for("manager")
    alerts = flatten(text(client.get("/alerts?date-day=3&date-month=2&date-year=2027")))
    assert "Open alerts on Wed 3 Feb 2027" in alerts
    agenda = flatten(text(client.get("/agenda?date-day=8&date-month=2&date-year=2027")))
    assert "Mon 8 Feb 2027" in agenda
    bad = client.get("/alerts?date-day=31&date-month=2&date-year=2027")
    assert bad.status_code == 400 and "must be a real date" in text(bad)


def test_an_outcome_takes_the_next_review_in_three_fields(client_for, family, store, today):
    view = family("RDa", stage=2, due=-3)
    client = client_for("manager")
    day = today + timedelta(days=30)
    form = {"review-day": str(day.day), "review-month": str(day.month),
            "review-year": str(day.year), "note": "Discussed"}  # fmt: skip
    answer = client.post(f"/agenda/outcome/{view['token']}", data=form)
    assert answer.status_code == 302
    row = store["families"].get(view["id"])
    assert row["next_review"] == day.isoformat()
