"""The other messages `caseboard notify` sends, against the real SMTP server: a
practitioner's weekly list, the manager's scan summary, the admin's sticker reminder,
and what each user chose on their settings page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from webapp.accounts.teams import update_team_settings
from webapp.scans.applying import apply_scan
from webapp.scans.previews import preview_scan
from webapp.values.actor import Actor

BASE = "https://caseboard.council.example"


def monday_after(day):
    return day + timedelta(days=(7 - day.weekday()) % 7 or 7)


@pytest.fixture
def pat_cases(family, add_person, today):
    """Practitioner pat's cases as seen on the next Monday: one red, one amber, one green,
    and a red case of someone else's."""
    add_person("pat", "practitioner", email="pat@council.example", full_name="Pat Jones")
    monday = monday_after(today)
    review = lambda days: (monday + timedelta(days=days)).isoformat()  # noqa: E731
    return monday, {
        "red": family("TWr", stage=2, review=review(-2), worker="pat", ref="REF-RED"),
        "amber": family("JSm", stage=4, review=review(5), worker="pat  jones", ref="REF-AMB"),
        "green": family("KLo", stage=1, review=review(60), worker="pat"),
        "theirs": family("ABc", stage=1, review=review(-9), worker="someone"),
    }


def test_a_practitioner_gets_their_red_and_amber_cases_on_the_weekly_day(
    runner, mailbox, pat_cases, store, team
):
    monday, cases = pat_cases
    assert runner("notify", "--date", (monday + timedelta(days=1)).isoformat()).exit_code == 0
    assert mailbox.messages == []  # Tuesday: not the weekly day
    assert runner("notify", "--date", monday.isoformat()).exit_code == 0
    assert [r for r in mailbox.rcpts] == [["pat@council.example"]]
    text = mailbox.messages[0].get_body(("plain",)).get_content()
    assert text.index("TWr") < text.index("JSm")  # red first
    assert f"{BASE}/t/{cases['red']['token']}" in text
    for absent in ("KLo", "ABc", "REF-RED", "REF-AMB"):
        assert absent not in text
    # a team with a meeting day sends it that day instead
    update_team_settings(store, team, meeting_day="Wednesday")
    wednesday = monday + timedelta(days=2)
    assert runner("notify", "--date", (monday + timedelta(days=7)).isoformat()).exit_code == 0
    assert len(mailbox.messages) == 1
    assert runner("notify", "--date", wednesday.isoformat()).exit_code == 0
    assert len(mailbox.messages) == 2


def test_settings_page_chooses_daily_weekly_or_off(app, mailbox, runner, pat_cases, add_person):
    monday, _ = pat_cases
    client = app.test_client()
    from tests.helpers.web import AuthActions

    AuthActions(client).login("pat")
    page = client.get("/me/notifications").get_data(as_text=True)
    assert "pat@council.example" in page and 'value="weekly" checked' in page
    client.post("/me/notifications", data={"weekly": "daily", "alerts": "off",
                                           "scans": "daily", "stickers": "off"})  # fmt: skip
    assert 'name="weekly" value="daily" checked' in client.get("/me/notifications").get_data(
        as_text=True
    )
    tuesday = monday + timedelta(days=1)
    assert runner("notify", "--date", tuesday.isoformat()).exit_code == 0
    assert len(mailbox.messages) == 1  # daily now
    client.post("/me/notifications", data={"weekly": "off"})
    assert runner("notify", "--date", (tuesday + timedelta(days=1)).isoformat()).exit_code == 0
    assert len(mailbox.messages) == 1  # unsubscribed
    assert client.post("/me/notifications", data={"weekly": "hourly"}).status_code == 400


def test_the_manager_gets_a_summary_after_a_scan_is_applied(
    runner, mailbox, store, team, family, add_person, today
):
    manager = add_person("mo", "manager", email="mo@council.example")
    moved = family("TWr", stage=2, due=30, ref="REF-1")
    late = family("AKh", stage=1, due=-3)
    family("RSm", stage=1, due=40)  # not on the photo of its board

    def tile(fam, stage, zone, x):
        return {"payload": f"{BASE}/t/{fam['token']}", "token": fam["token"], "stage": stage,
                "zone": zone, "x_mm": x, "y_mm": 200.0, "photo": "p1.jpg"}  # fmt: skip

    scan = preview_scan(store, team, {
        "tiles": [tile(moved, 1, "main", 300), tile(late, 1, "main", 500)],
        "boards": [{"stage": 1, "photo": "p1.jpg", "markers": 4}], "unknown": [],
    }, actor=Actor.web(manager["id"]))  # fmt: skip
    assert runner("notify", "--date", today.isoformat()).exit_code == 0
    assert mailbox.messages == []  # a preview is not news yet
    apply_scan(store, team, scan["id"], actor=Actor.web(manager["id"]))
    assert runner("notify", "--date", today.isoformat()).exit_code == 0
    assert [r for r in mailbox.rcpts] == [["mo@council.example"]]
    text = mailbox.messages[0].get_body(("plain",)).get_content()
    assert "1 moved, 1 in the wrong section, 1 missing" in text
    assert "TWr: moved from stage 2 to stage 1" in text
    assert "AKh: in the main section of stage 1, belongs in red" in text
    assert "RSm: not seen on stage 1" in text
    assert "Date stickers to print now" in text and "REF-1" not in text
    assert runner("notify", "--date", today.isoformat()).output == ""


def test_the_admin_is_reminded_of_stickers_waiting_more_than_three_days(
    runner, mailbox, family, add_person, today
):
    add_person("ada", "admin", email="ada@council.example")
    amber = family("TWr", stage=1, due=10)
    assert runner("notify", "--date", (today + timedelta(days=3)).isoformat()).exit_code == 0
    assert mailbox.messages == []
    assert runner("notify", "--date", (today + timedelta(days=4)).isoformat()).exit_code == 0
    assert [r for r in mailbox.rcpts] == [["ada@council.example"]]
    text = mailbox.messages[0].get_body(("plain",)).get_content()
    assert "TWr" in text and f"{BASE}/t/{amber['token']}" in text
    assert f"waiting since {today}" in text
