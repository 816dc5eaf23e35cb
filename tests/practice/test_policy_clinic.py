"""The Case Progression Clinic as its Terms of Reference mean it (docs/contract.md §16)."""

from datetime import date, timedelta

import pytest

from webapp.cases.families import get_family_row
from webapp.cases.lifecycle import close_case, reopen_case
from webapp.errors import BadInput
from webapp.practice.clinic import book, week_bookings
from webapp.practice.clinic_audit import quarterly_report, record_legal_step
from webapp.practice.clinic_days import next_open_clinic
from webapp.practice.clinic_policy import record_attendance, request
from webapp.values.actor import Actor

THU = date(2025, 6, 12)
MON = date(2025, 6, 9)
ALL_VIEWS = "child,family,network"


def test_a_start_that_is_not_a_slot_start_exits_2_with_the_free_slots(runner, team, today):
    """ "The Clinic offers 30 minute slots for LPM preparation and 45 minute slots for
    Pre-Proceedings preparation" (§3): 14:10 is no slot's start; it is refused with the
    free ones, not a traceback."""
    token = runner("family", "add", "--initials", "TWr", "--stage", "3",
                   "--review", "2030-01-01").output.strip()  # fmt: skip
    thursday = next_open_clinic(team, today + timedelta(days=1)).isoformat()
    refused = runner("clinic", "book", token, "--day", thursday, "--start", "14:10",
                     "--for", "lpm")  # fmt: skip
    assert refused.exit_code == 2, refused.output
    assert "Traceback" not in refused.output and "not a slot start" in refused.output
    assert "14:00, 14:15, 14:30, 14:45, 15:00" in refused.output
    booked = runner("clinic", "book", token, "--day", thursday, "--start", "14:15",
                    "--for", "lpm")  # fmt: skip
    assert booked.exit_code == 0, booked.output


def test_the_library_refuses_off_grid_starts_and_writes_nothing(store, team, add):
    """The same rule in the library: nothing is written."""
    case = add(initials="AAa")
    with pytest.raises(BadInput, match=r"not a slot start.*free on 2025-06-12: 14:00"):
        book(
            store,
            team,
            case["token"],
            day=THU,
            start="14:10",
            purpose="lpm",
            today=MON,
            actor=Actor.cli(),
        )
    assert store["clinic_bookings"].count == 0


def test_a_request_with_no_slot_that_thursday_warns(store, team, add):
    """ "If approval has been given for pre-proceedings the service manager ... will send
    a 45 minute invite for the clinic that Thursday" (§5): when that Thursday is full,
    the request says so and names the next free Thursday."""
    cases = [add(initials=i) for i in ("AAa", "BBb", "CCc")]
    book(store, team, cases[0]["token"], day=THU, start="14:00", purpose="pre-proceedings",
         today=MON, actor=Actor.cli())  # fmt: skip
    book(store, team, cases[1]["token"], day=THU, start="14:45", purpose="pre-proceedings",
         today=MON, actor=Actor.cli())  # fmt: skip
    made = request(store, team, cases[2]["token"], "pre-proceedings", on=MON, actor=Actor.cli())
    assert made["warning"] == (
        "no slot on Thursday 2025-06-12: no free 45-minute slot is left; "
        "the next free one is on 2025-06-19"
    )
    assert (
        request(
            store,
            team,
            cases[2]["token"],
            "pre-proceedings",
            on=THU + timedelta(days=1),
            actor=Actor.cli(),
        )["warning"]
        is None
    )


def test_who_attended_is_recorded(store, team, add):
    """ "It is important that the social worker and team manager attend together" (§5)."""
    case = add(initials="AAa")
    booking = book(store, team, case["token"], day=THU, start="14:00", purpose="pre-proceedings",
                   today=MON, actor=Actor.cli())  # fmt: skip
    [shown] = week_bookings(store, team, THU, today=MON)["bookings"]
    assert shown["attended"] == {"social_worker": None, "team_manager": None, "together": False}
    seen = record_attendance(store, team, booking["id"], social_worker=True, team_manager=False)
    assert seen == {"social_worker": True, "team_manager": False, "together": False}
    seen = record_attendance(store, team, booking["id"], social_worker=True, team_manager=True)
    assert seen["together"] is True


def test_the_quarterly_check_ignores_an_earlier_episode_and_lists_s31_without_lpm(store, team, add):
    """ "There is an expectation that every case where a LPM will be held ... is discussed
    at the clinic. This will be monitored by the service manager" (§2): a clinic booking
    of a closed earlier episode does not count for the new one, and an s.31 case with no
    LPM recorded is listed."""
    case = add(initials="EPi", opened=date(2025, 1, 6), case_type="s.31")
    book(
        store,
        team,
        case["token"],
        day=THU,
        start="14:00",
        purpose="lpm",
        today=MON,
        actor=Actor.cli(),
    )
    close_case(store, get_family_row(store, case["token"]), team, views=ALL_VIEWS, scaling=8,
               on=date(2025, 7, 1), actor=Actor.cli())  # fmt: skip
    reopen_case(
        store,
        get_family_row(store, case["token"]),
        team,
        review="2025-10-01",
        on=date(2025, 9, 1),
        actor=Actor.cli(),
    )
    record_legal_step(store, team, case["token"], "lpm", on=date(2025, 10, 2), actor=Actor.cli())
    silent = add(initials="SIl", opened=date(2025, 8, 4), case_type="s.31")
    report = quarterly_report(store, team, "2025-Q4")
    [step] = report["cases"]
    assert (step["token"], step["through_clinic"]) == (case["token"], False)
    assert [c["token"] for c in report["s31_without_lpm"]] == [silent["token"]]
    # a booking in the new episode does count
    store["clinic_bookings"].insert(
        {
            "team_id": team["id"],
            "family_id": case["id"],
            "purpose": "lpm",
            "day": "2025-09-25",
            "start": "14:00",
            "minutes": 30,
        }  # fmt: skip
    )
    assert quarterly_report(store, team, "2025-Q4")["cases"][0]["through_clinic"] is True


def test_the_clinic_page_records_attendance_and_warns_on_request(
    client_for, store, team, family, today
):
    """ "The social worker and ideally the team manager should attend" (§3): the page
    records who came, and a request says when that Thursday has no slot."""
    case = family("AAa", stage=3)
    other = family("BBb", stage=3)
    manager = client_for("manager")
    day = next_open_clinic(team, today + timedelta(days=1))
    for token, start in ((case["token"], "14:00"), (other["token"], "14:45")):
        booked = manager.post("/clinic/bookings", data={"token": token, "day": day.isoformat(),
                                                        "purpose": "pre-proceedings",
                                                        "start": start})  # fmt: skip
        assert booked.status_code == 302
    [booking] = [b for b in store["clinic_bookings"].rows if b["family_id"] == case["id"]]
    both = {"social_worker": "1", "team_manager": "1"}
    done = manager.post(f"/clinic/bookings/{booking['id']}/attended", data=both,
                        follow_redirects=True)  # fmt: skip
    assert "Attended together." in done.get_data(as_text=True)
    page = manager.get(f"/clinic?date={day.isoformat()}").get_data(as_text=True)
    assert "together" in page
    third = family("CCc", stage=3)
    asked = manager.post("/clinic/requests", follow_redirects=True,
                         data={"token": third["token"], "purpose": "pre-proceedings"})  # fmt: skip
    if next_open_clinic(team, today) == day:  # that Thursday is the full one
        assert "no free 45-minute slot is left" in asked.get_data(as_text=True)
    assert asked.status_code == 200
