"""The status rule (docs/contract.md §2) at every boundary, and the board code."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tilegen import domain

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("offset", "status"),
    [(-30, "red"), (-1, "red"), (0, "amber"), (1, "amber"), (14, "amber"), (15, "green")],
)
def test_status_at_each_boundary(offset, status):
    assert domain.review_status(TODAY + timedelta(days=offset), TODAY) == status


def test_amber_window_is_per_team():
    assert domain.review_status(TODAY + timedelta(days=21), TODAY, amber_days=21) == "amber"
    assert domain.review_status(TODAY + timedelta(days=22), TODAY, amber_days=21) == "green"
    assert domain.review_status(TODAY + timedelta(days=8), TODAY, amber_days=7) == "green"


def test_closed_case_is_closed_whatever_the_date():
    assert domain.review_status(TODAY - timedelta(days=5), TODAY, closed=True) == "closed"
    assert domain.expected_zone("closed") is None
    assert domain.should_move("red", "closed") is False


def test_missing_review_date_counts_as_overdue():
    assert domain.review_status(None, TODAY) == "red"


@pytest.mark.parametrize(
    ("status", "zone"), [("red", "red"), ("amber", "amber"), ("green", "main")]
)
def test_expected_zone(status, zone):
    assert domain.expected_zone(status) == zone


def test_should_move_compares_last_seen_zone_with_expected():
    assert domain.should_move("main", "red") is True
    assert domain.should_move("amber", "green") is True
    assert domain.should_move("red", "red") is False
    assert domain.should_move(None, "red") is False  # never seen: nothing to correct


def test_today_follows_london_not_utc_near_midnight():
    # 23:30 UTC in summer is 00:30 the next day in London (BST).
    summer = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    assert domain.today("Europe/London", summer) == date(2026, 7, 2)
    # In winter London is on UTC: still the same day.
    winter = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    assert domain.today("Europe/London", winter) == date(2026, 12, 1)
    # A review due 2026-07-01 is overdue once London has reached 2 July.
    local = domain.today("Europe/London", summer)
    assert domain.review_status(date(2026, 7, 1), local) == "red"
    assert domain.review_status(date(2026, 7, 1), summer.date()) == "amber"


def test_board_code_from_names():
    assert domain.board_code("Thomas", "Wright") == "TWr"
    assert domain.board_code("aisha", "o'neil") == "AOn"


@pytest.mark.parametrize(
    ("first", "surname", "code"),
    [
        ("Élodie", "Bañez", "EBa"),  # accents dropped
        ("Zoë", "Smith-Jones", "ZSm"),  # hyphen skipped: the first two letters as written
        ("Liam", "O'Brien", "LOb"),  # apostrophe skipped
        ("Ann", "de la Cruz", "ADe"),  # spaces skipped
        ("Mary-Jane", "Wright", "MWr"),
        ("Thomas", "O", "TOo"),  # a one-letter surname repeats its letter
        ("Łucja", "Øster", "LOs"),  # letters Unicode does not decompose
    ],
)
def test_board_code_rule_for_other_names(first, surname, code):
    assert domain.board_code(first, surname) == code


@pytest.mark.parametrize(("first", "surname"), [("", "Wright"), ("Thomas", " "), ("Иван", "Ли")])
def test_board_code_needs_latin_letters_and_never_echoes_the_name(first, surname):
    with pytest.raises(ValueError) as raised:
        domain.board_code(first, surname)
    assert "Wright" not in str(raised.value) and "Иван" not in str(raised.value)


@pytest.mark.parametrize(("raw", "code"), [("TWr", "TWr"), ("twr", "TWr"), (" TWR ", "TWr")])
def test_board_code_normalised(raw, code):
    assert domain.normalise_board_code(raw) == code


@pytest.mark.parametrize("raw", ["", "TW", "TWrx", "T1r", "Thomas Wright"])
def test_bad_board_codes_rejected(raw):
    with pytest.raises(ValueError):
        domain.normalise_board_code(raw)


def test_describe_due():
    assert domain.describe_due(TODAY + timedelta(days=9), TODAY) == "due in 9 days"
    assert domain.describe_due(TODAY, TODAY) == "due today"
    assert domain.describe_due(TODAY - timedelta(days=3), TODAY) == "3 days overdue"
    assert domain.describe_due(TODAY - timedelta(days=1), TODAY) == "1 day overdue"
