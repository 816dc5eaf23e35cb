"""Every default trigger at its boundaries (pure: no store)."""

from datetime import date, timedelta

import pytest

from webapp.rules.defaults import DEFAULT_RULES
from webapp.rules.triggers import (
    family_firings,
    is_open,
    latest_firing,
    next_firing,
)

TODAY = date(2025, 6, 11)
WEEK = timedelta(weeks=1)
DAY = timedelta(days=1)
RULES = [{**r, "active": 1} for r in DEFAULT_RULES]


def fired(family, flags=(), on=TODAY):
    return {(f.key, f.due, f.role) for f in family_firings(RULES, family, flags, on)}


def case(case_type, opened, **extra):
    return {"case_type": case_type, "opened": opened, "closed": None, "stage": 3, **extra}


# (case type, rule key, first weeks, every weeks, role) from the Cafcass triggers (docs/policies.md)
DURATIONS = [
    ("16.4", "16.4-sm", 20, 5, "service manager"),
    ("16.4", "16.4-hop", 40, 5, "head of practice"),
    ("s.31", "s31-sm", 38, 3, "service manager"),
    ("s.31", "s31-hop", 45, 5, "head of practice"),
    ("s.25", "s25-sm", 3, 5, "service manager"),
    ("s.25", "s25-hop", 15, 5, "head of practice"),
]


@pytest.mark.parametrize(("case_type", "key", "first", "every", "role"), DURATIONS)
def test_duration_trigger_boundaries(case_type, key, first, every, role):
    opened = TODAY - first * WEEK
    # opened exactly `first` weeks ago: alerts today
    assert (key, TODAY, role) in fired(case(case_type, opened))
    # opened `first` weeks minus a day ago: not yet
    assert not any(k == key for k, _, _ in fired(case(case_type, opened + DAY)))
    # the same alert is still the latest until the day before the next one ...
    next_due = TODAY + every * WEEK
    assert (key, TODAY, role) in fired(case(case_type, opened), on=next_due - DAY)
    # ... and the next comes exactly `every` weeks later
    assert (key, next_due, role) in fired(case(case_type, opened), on=next_due)


def test_s31_worked_example_from_the_issue():
    opened = TODAY - 38 * WEEK
    assert ("s31-sm", TODAY, "service manager") in fired(case("s.31", opened))
    assert not fired(case("s.31", opened + DAY))
    assert ("s31-sm", TODAY + 3 * WEEK, "service manager") in fired(
        case("s.31", opened), on=TODAY + 3 * WEEK
    )
    # at 45 weeks the head of practice is added to the service manager's cycle
    at45 = opened + 45 * WEEK
    keys = {k for k, _, _ in fired(case("s.31", opened), on=at45)}
    assert keys == {"s31-sm", "s31-hop"}


def test_case_type_must_match_and_closed_cases_do_not_alert():
    opened = TODAY - 50 * WEEK
    assert not fired(case("CIN", opened))
    assert not fired(case("s.31", opened, closed=TODAY.isoformat()))
    # closed tomorrow: still open today
    assert fired(case("s.31", opened, closed=(TODAY + DAY).isoformat()))


@pytest.mark.parametrize(
    "flag",
    [
        "CSE",
        "trafficking",
        "radicalisation",
        "gangs",
        "FGM",
        "forced marriage",
        "honour-based violence",
        "MARAC",
        "MAPPA",
    ],
)
def test_risk_flag_alerts_when_added_then_every_10_weeks(flag):
    family = case(None, TODAY - 100 * WEEK)
    key = "risk-flag:" + "-".join(flag.lower().split())
    flags = [{"name": flag, "added_on": TODAY.isoformat(), "removed_on": None}]
    assert (key, TODAY, "service manager") in fired(family, flags)
    assert not fired(family, flags, on=TODAY - DAY)
    assert (key, TODAY, "service manager") in fired(family, flags, on=TODAY + 10 * WEEK - DAY)
    assert (key, TODAY + 10 * WEEK, "service manager") in fired(family, flags, TODAY + 10 * WEEK)


def test_removed_flag_stops_alerting():
    family = case(None, TODAY - 100 * WEEK)
    flags = [{"name": "MARAC", "added_on": "2025-01-01", "removed_on": TODAY.isoformat()}]
    assert fired(family, flags, on=TODAY - DAY)
    assert not fired(family, flags, on=TODAY)


def test_shielded_alerts_head_of_practice_once():
    family = case(None, TODAY - 10 * WEEK)
    flags = [{"name": "shielded", "added_on": TODAY.isoformat(), "removed_on": None}]
    assert fired(family, flags) == {("shielded", TODAY, "head of practice")}
    assert fired(family, flags, on=TODAY + 52 * WEEK) == {("shielded", TODAY, "head of practice")}
    assert not fired(family, flags, on=TODAY - DAY)


def test_core_assessment_after_42_working_days_at_stage_1():
    # opened Friday 20 Dec 2024; 42 working days skip Christmas, Boxing Day and New Year
    opened = date(2024, 12, 20)
    due = date(2025, 2, 21)  # 23, 24, 27, 30, 31 Dec, 2 Jan ... 21 Feb
    family = case(None, opened, stage=1)
    assert fired(family, on=due) == {("core-assessment", due, "team manager")}
    assert not fired(family, on=due - DAY)
    assert not fired({**family, "stage": 2}, on=due)


def test_inactive_rules_do_not_fire():
    rules = [{**r, "active": 0} for r in RULES]
    family = case("s.31", TODAY - 38 * WEEK)
    assert family_firings(rules, family, [], TODAY) == []


def test_firing_arithmetic():
    anchor = date(2025, 1, 1)
    assert latest_firing(anchor, 7, 14, date(2025, 1, 7)) is None
    assert latest_firing(anchor, 7, 14, date(2025, 1, 8)) == date(2025, 1, 8)
    assert latest_firing(anchor, 7, 14, date(2025, 1, 21)) == date(2025, 1, 8)
    assert latest_firing(anchor, 7, 14, date(2025, 1, 22)) == date(2025, 1, 22)
    assert next_firing(anchor, 7, 14, date(2025, 1, 8)) == date(2025, 1, 22)
    assert next_firing(anchor, 7, None, date(2025, 1, 8)) is None
    assert next_firing(anchor, 7, None, date(2025, 1, 7)) == date(2025, 1, 8)


def test_follow_up_closes_only_from_the_firing_date():
    due = date(2025, 3, 3)
    assert is_open(due, [], due)
    assert not is_open(due, [due], due)
    assert is_open(due, [due - DAY], due + DAY)  # before the firing: does not count
    assert is_open(due, [due + 5 * DAY], due + DAY)  # after the day we look at
    assert not is_open(due, [due + DAY], due + 5 * DAY)
