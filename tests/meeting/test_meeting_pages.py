"""The agenda page, its print view and PDF, outcomes and requests over HTTP."""

from __future__ import annotations

from datetime import timedelta

from webapp.cases import meetings
from webapp.cases.families import get_family_row
from webapp.store import events


def test_agenda_page_lists_sections_for_every_role(client_for, family, today):
    family("RDa", stage=2, due=-3)
    family("AMb", stage=1, due=2)
    for role in ("manager", "practitioner"):
        page = client_for(role).get("/agenda")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert html.index("RDa") < html.index("AMb")
        assert "Overdue (red)" in html
        assert ("outcome-form" in html) == (role == "manager")


def test_agenda_needs_login_and_a_real_date(app, client_for):
    assert app.test_client().get("/agenda").status_code in (302, 401)
    bad = client_for("manager").get("/agenda?date=2026-02-30")
    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.get_data(as_text=True)


def test_manager_records_an_outcome(client_for, store, family, today):
    view = family("RDa", stage=2, due=-3)
    review = (today + timedelta(days=21)).isoformat()
    client = client_for("manager")
    answer = client.post(
        f"/agenda/outcome/{view['token']}",
        data={"date": today.isoformat(), "review": review, "stage": "3", "note": "Plan agreed"},
    )
    assert answer.status_code == 302
    row = get_family_row(store, view["token"])
    assert (row["next_review"], row["stage"]) == (review, 3)
    history = events.family_history(store, row["id"])
    assert history[0]["kind"] == events.OUTCOME and history[0]["detail"]["note"] == "Plan agreed"
    html = client.get(f"/agenda?date={today.isoformat()}").get_data(as_text=True)
    assert "Recorded by manager: Plan agreed" in html


def test_outcome_errors_are_messages_not_changes(client_for, store, family, today):
    view = family("RDa", due=-3)
    client = client_for("manager")
    answer = client.post(
        f"/agenda/outcome/{view['token']}",
        data={"date": today.isoformat(), "note": "", "stage": "2"},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "write a short note of the decision"}
    assert get_family_row(store, view["token"])["stage"] == 1


def test_practitioner_cannot_record_outcomes(client_for, store, family, today):
    view = family("RDa", due=-3)
    answer = client_for("practitioner").post(
        f"/agenda/outcome/{view['token']}",
        data={"date": today.isoformat(), "note": "no", "stage": "4"},
    )
    assert answer.status_code == 403
    assert store["events"].count_where("kind = ?", [events.OUTCOME]) == 0
    start = client_for("practitioner").post("/agenda/meeting", data={"action": "start"})
    assert start.status_code == 403


def test_practitioner_adds_a_family_to_this_weeks_agenda(client_for, store, family, today):
    view = family("QTe", stage=4, due=120)
    client = client_for("practitioner")
    answer = client.post(f"/t/{view['token']}/agenda-request", data={"note": "worried about drift"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/t/{view['token']}")
    html = client.get("/agenda").get_data(as_text=True)
    assert "asked by practitioner: worried about drift" in html
    again = client.post(
        "/agenda/request", data={"token": view["token"], "next": "/agenda"}, follow_redirects=True
    )
    assert "already asked" in again.get_data(as_text=True)
    assert store["agenda_requests"].count == 1


def test_another_teams_token_is_not_found(client_for, family, today):
    view = family("RDa", due=-3)
    outsider = client_for("outsider")
    assert outsider.post(f"/t/{view['token']}/agenda-request").status_code == 404
    data = {"date": today.isoformat(), "note": "x"}
    assert outsider.post(f"/agenda/outcome/{view['token']}", data=data).status_code == 404
    assert "RDa" not in outsider.get("/agenda").get_data(as_text=True)


def test_start_and_close_the_meeting(client_for, store, team, today):
    client = client_for("manager")
    client.post("/agenda/meeting", data={"action": "start", "date": today.isoformat()})
    meeting = meetings.get_meeting(store, team, today)
    assert meeting and meeting["closed_at"] is None
    client.post("/agenda/meeting", data={"action": "close", "date": today.isoformat()})
    assert meetings.get_meeting(store, team, today)["closed_at"] is not None
    html = client.get(f"/agenda?date={today.isoformat()}").get_data(as_text=True)
    assert "Meeting held" in html


def test_print_view_and_pdf(client_for, family, today):
    family("RDa", due=-3)
    client = client_for("practitioner")
    printed = client.get(f"/agenda/print?date={today.isoformat()}").get_data(as_text=True)
    assert "RDa" in printed and "Decision" in printed and "topbar" not in printed
    pdf = client.get(f"/agenda.pdf?date={today.isoformat()}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")


def test_real_login_and_csrf_from_tile_page_to_outcome(csrf_app, users, store, family, today):
    """With CSRF on: a practitioner asks from the tile page, a manager records the outcome."""
    import re

    from tests.helpers.web import PASSWORD

    view = family("TWr", due=50)

    def logged_in(username):
        client = csrf_app.test_client()
        form = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        answer = client.post(
            "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
        )
        assert answer.status_code == 302
        return client

    def csrf_of(html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    practitioner = logged_in("practitioner")
    tile = practitioner.get(f"/t/{view['token']}").get_data(as_text=True)
    assert f"/t/{view['token']}/agenda-request" in tile
    url = f"/t/{view['token']}/agenda-request"
    assert practitioner.post(url).status_code == 400  # no CSRF token
    assert practitioner.post(url, data={"csrf_token": csrf_of(tile)}).status_code == 302
    manager = logged_in("manager")
    page = manager.get("/agenda").get_data(as_text=True)
    assert "asked by practitioner" in page
    answer = manager.post(
        f"/agenda/outcome/{view['token']}",
        data={"csrf_token": csrf_of(page), "date": today.isoformat(), "note": "Discussed"},
    )
    assert answer.status_code == 302
    assert store["agenda_requests"].count_where("resolved_at is not null") == 1
