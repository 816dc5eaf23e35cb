"""A refused form goes back to its page with the message, through one decorator
(webapp/web/refused_forms.py), and nothing is written: a form on a page of its own is
drawn again with the reason and a 400, a form posted from another page goes back there
(302) with the reason at its field, and a client asking for JSON gets the one JSON error
body, ``{"error": ...}``, that the API answers with."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers.web import text
from webapp.cases.families import get_family_row


def test_a_refused_clinic_booking_draws_the_clinic_page_again_with_the_reason(
    client_for, family, store, today
):
    fam = family("TWr", stage=4)
    last_thursday = today - timedelta(days=(today.weekday() - 3) % 7 or 7)
    refused = client_for("manager").post(
        "/clinic/bookings",
        data={"token": fam["token"], "purpose": "lpm", "day": last_thursday.isoformat(),
              "start": "14:00"},
    )  # fmt: skip
    page = text(refused)
    assert refused.status_code == 400
    assert "There is a problem" in page and "is in the past" in page  # the error summary
    assert "Clinic, " in page and "That could not be done" not in page  # its page, no error page
    assert store["clinic_bookings"].count == 0


def test_a_refused_tile_form_goes_back_to_the_tile_page_with_the_reason_at_its_field(
    client_for, family, store
):
    fam = family("TWr", stage=1)
    client = client_for("manager")
    bad_day = {"review-day": "31", "review-month": "2", "review-year": "2030"}
    refused = client.post(f"/t/{fam['token']}/review", data=bad_day)
    assert refused.status_code == 302 and refused.location == f"/t/{fam['token']}"
    page = client.get(refused.location).get_data(as_text=True)
    assert '<a href="#review">The next review date must be a real date' in page
    assert get_family_row(store, fam["token"])["next_review"] == fam["next_review"]


def test_an_unknown_tile_is_still_not_found_rather_than_refused(client_for):
    answer = client_for("manager").post("/t/ZZZZZZZZZZ/review", data={"review": "2030-01-01"})
    assert answer.status_code == 404


def test_a_refused_form_asked_for_json_and_the_api_answer_with_one_error_body(
    client_for, family, store, client, api_tokens
):
    fam = family("TWr", stage=1)
    bad_day = {"review-day": "31", "review-month": "2", "review-year": "2030"}
    form = client_for("manager").post(
        f"/t/{fam['token']}/review", data=bad_day, headers={"Accept": "application/json"}
    )
    assert form.status_code == 400
    assert form.get_json() == {
        "error": "The next review date must be a real date, for example 15 12 2026"
    }
    api = client.patch(
        f"/api/tiles/{fam['token']}",
        json={"next_review": "2030-02-31"},
        headers={"Authorization": f"Bearer {api_tokens['manager']}"},
    )
    assert api.status_code == 400
    assert list(api.get_json()) == ["error"] and "2030-02-31" in api.get_json()["error"]
    assert get_family_row(store, fam["token"])["next_review"] == fam["next_review"]
