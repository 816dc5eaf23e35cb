"""Every default trigger at its boundaries (pure: no store)."""

from datetime import date, timedelta

import pytest

from webapp.rules.defaults import DEFAULT_RULES
from webapp.rules.firings import family_firings
from webapp.rules.triggers import (
    is_open,
    latest_firing,
    next_firing,
)

TODAY = date(2025, 6, 11)
WEEK = timedelta(weeks=1)
DAY = timedelta(days=1)
RULES = [{**r, "active": r.get("active", 1)} for r in DEFAULT_RULES]


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


def test_removed_flag_stops_the_series_and_keeps_its_firings():
    """Contract §12: "Removing a flag ... ends the series from that day on, but firings
    already made stay, open or answered, with their missed marks"."""
    family = case(None, TODAY - 100 * WEEK)
    flags = [{"name": "MARAC", "added_on": "2025-01-01", "removed_on": TODAY.isoformat()}]
    before = fired(family, flags, on=TODAY - DAY)
    assert len(before) == 3
    assert fired(family, flags, on=TODAY) == before
    assert fired(family, flags, on=TODAY + 52 * WEEK) == before  # nothing after removal
    found = family_firings(RULES, family, flags, TODAY + 52 * WEEK)
    # the two that were followed by another firing keep it; the last one never will
    assert [f.next_due for f in found] == [date(2025, 3, 12), date(2025, 5, 21), None]


def test_shielded_alerts_head_of_practice_once():
    family = case(None, TODAY - 10 * WEEK)
    flags = [{"name": "shielded", "added_on": TODAY.isoformat(), "removed_on": None}]
    assert fired(family, flags) == {("shielded", TODAY, "head of practice")}
    assert fired(family, flags, on=TODAY + 52 * WEEK) == {("shielded", TODAY, "head of practice")}
    assert not fired(family, flags, on=TODAY - DAY)


def test_core_assessment_42_working_days_after_the_s47_referral():
    # s.47 referral Friday 20 Dec 2024; 42 working days skip Christmas, Boxing Day, New Year
    s47 = date(2024, 12, 20)
    due = date(2025, 2, 21)  # 23, 24, 27, 30, 31 Dec, 2 Jan ... 21 Feb
    opens = date(2025, 2, 14)  # the alert opens 5 working days before (contract §16)
    family = case(None, date(2024, 11, 1), stage=1, s47=s47.isoformat())
    assert fired(family, on=due) == {("core-assessment", opens, "team manager")}
    assert fired(family, on=opens) == {("core-assessment", opens, "team manager")}
    assert not fired(family, on=opens - DAY)
    # the stage does not matter: the s.47 date does
    assert fired({**family, "stage": 3}, on=due) == {("core-assessment", opens, "team manager")}
    # done on the due day or before it: no alert; done later: open until then
    assert not fired({**family, "assessment_done": due.isoformat()}, on=due)
    late = {**family, "assessment_done": (due + 3 * DAY).isoformat()}
    assert fired(late, on=due + 2 * DAY) == {("core-assessment", opens, "team manager")}
    assert not fired(late, on=due + 3 * DAY)


def test_stage_1_case_with_no_s47_date_has_no_core_assessment_alert():
    opened = date(2024, 12, 20)
    family = case(None, opened, stage=1)
    for on in (date(2025, 2, 21), date(2025, 2, 24), date(2026, 12, 1)):
        assert not fired(family, on=on)


def test_every_firing_is_listed_with_the_next_one():
    opened = TODAY - 41 * WEEK
    found = [f for f in family_firings(RULES, case("s.31", opened), [], TODAY)]
    assert [(f.key, f.due, f.next_due) for f in found] == [
        ("s31-sm", TODAY - 3 * WEEK, TODAY),
        ("s31-sm", TODAY, TODAY + 3 * WEEK),
    ]


def test_firings_before_the_current_episode_do_not_count():
    # flagged long ago, case reopened (opened moved) today: the old firings are gone
    family = case(None, TODAY)
    flags = [{"name": "MARAC", "added_on": (TODAY - 25 * WEEK).isoformat(), "removed_on": None}]
    assert fired(family, flags, on=TODAY) == set()
    due = TODAY - 25 * WEEK + 30 * WEEK
    assert fired(family, flags, on=due) == {("risk-flag:marac", due, "service manager")}


def test_working_together_rules_are_off_until_a_team_names_the_case_type():
    statutory = {r["key"]: {**r} for r in DEFAULT_RULES if r["kind"] == "statutory"}
    assert set(statutory) == {"wt-icpc", "wt-cp-review", "wt-cla-review"}
    assert all(r["active"] == 0 for r in statutory.values())
    assert all("Working Together" in r["policy"] for r in statutory.values())
    family = case("CLA", date(2025, 1, 6), type_since="2025-01-06", s47="2025-01-06")
    assert family_firings(list(statutory.values()), family, [], TODAY) == []
    on = [{**r, "active": 1} for r in statutory.values()]
    # on, but no case type named: only the s.47-anchored conference fires
    assert {f.key for f in family_firings(on, family, [], TODAY)} == {"wt-icpc"}
    cla = [{**r, "params": {**r["params"], "case_type": "CLA"}} for r in on]
    dates = [(f.key, f.due) for f in family_firings(cla, family, [], date(2026, 1, 5))]
    # ICPC: 15 working days after Monday 6 Jan 2025 is Monday 27 Jan
    assert ("wt-icpc", date(2025, 1, 27)) in dates
    # looked-after: 20 working days (3 Feb), then 3 months (3 May), then every 6 (3 Nov)
    assert [d for k, d in dates if k == "wt-cla-review"] == [
        date(2025, 2, 3),
        date(2025, 5, 3),
        date(2025, 11, 3),
    ]
    # child protection reviews: 3 months after the plan started, then every 6 months
    assert [d for k, d in dates if k == "wt-cp-review"] == [date(2025, 4, 6), date(2025, 10, 6)]


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
