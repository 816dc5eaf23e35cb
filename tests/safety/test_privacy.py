"""Access-log and privacy gaps (docs/contract.md §17): reads filed under the team read,
the calendar feed and the audit page logged, board and agenda reads naming the families
shown, the purge reaching every copy of a closed case's free text and codes and old
mail, and practitioners kept off the manager pages the README's table keeps them off."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from tests.helpers.web import AuthActions
from webapp.accounts.teams import ensure_team
from webapp.accounts.users import add_user
from webapp.cases.families import add_family, get_family_row
from webapp.cases.lifecycle import close_case
from webapp.store.retention import purge
from webapp.values.actor import Actor

NEW = "plum otter harbour lamp"


def last_entry(store, **where) -> dict:
    sql = " and ".join(f"{k} = ?" for k in where) or "1 = 1"
    row = list(store.query(f"select * from audit where {sql} order by id desc limit 1",
                           list(where.values())))  # fmt: skip
    assert row, where
    return {**row[0], "detail": json.loads(row[0]["detail"] or "{}")}


def test_a_service_managers_reads_of_another_team_are_filed_under_that_team(app, store, team):
    """The attack: a service manager's reads of team B were filed under their home team."""
    north = ensure_team(store, "North")
    theirs = add_family(
        store, north, initials="JSm", stage=2, review="2030-01-01", actor=Actor.cli()
    )
    sam = add_user(store, "sam", "service-manager", NEW, team["name"], teams=["North"])
    client = app.test_client()
    assert AuthActions(client).login("sam", NEW).status_code == 302
    client.post("/team", data={"team_id": north["id"], "next": "/"})
    assert client.get("/").status_code == 200
    entry = last_entry(store, user_id=sam["id"], action="read")
    assert entry["team_id"] == north["id"] and entry["detail"]["families"] == [theirs["token"]]
    assert client.get(f"/t/{theirs['token']}").status_code == 200
    assert last_entry(store, user_id=sam["id"], action="tile.view")["team_id"] == north["id"]


def test_board_and_agenda_reads_name_the_families_shown(client_for, store, family, users):
    shown = {family("TWr", stage=1, due=3)["token"], family("JSm", stage=2, due=-2)["token"]}
    manager = client_for("manager")
    assert manager.get("/").status_code == 200
    board = last_entry(store, user_id=users["manager"]["id"], action="read")
    assert set(board["detail"]["families"]) == shown
    assert manager.get("/agenda").status_code == 200
    agenda = last_entry(store, user_id=users["manager"]["id"], action="read")
    assert agenda["detail"]["endpoint"] == "meeting.agenda"
    assert set(agenda["detail"]["families"]) == shown  # both due or overdue: on the agenda


def test_the_calendar_feed_and_the_audit_page_are_logged(app, client_for, store, users):
    practitioner = client_for("practitioner")
    page = practitioner.post("/me/calendar", follow_redirects=True).get_data(as_text=True)
    link = re.search(r"(/calendar/[\w-]+\.ics)", page).group(1)
    assert app.test_client().get(link).status_code == 200  # the calendar app, no log-in
    feed = last_entry(store, user_id=users["practitioner"]["id"], source="calendar")
    assert feed["action"] == "read" and feed["detail"]["what"] == "calendar feed"
    admin = client_for("admin")
    assert admin.get("/audit?user=practitioner").status_code == 200
    audit = last_entry(store, user_id=users["admin"]["id"], action="read")
    assert audit["detail"]["endpoint"] == "auth.audit_log"


@pytest.mark.parametrize("url", ["/supervision", "/clinic"])
def test_practitioners_cannot_read_the_manager_pages(client_for, url):
    assert client_for("practitioner").get(url).status_code == 403
    assert client_for("manager").get(url).status_code == 200


def test_practitioners_cannot_read_a_scan_through_the_api(client, api_tokens, store, team):
    made = client.post("/api/scans", json={"tiles": [], "boards": [], "unknown": []},
                       headers={"Authorization": f"Bearer {api_tokens['manager']}"})  # fmt: skip
    assert made.status_code == 201
    url = f"/api/scans/{made.json['id']}"
    practitioner = {"Authorization": f"Bearer {api_tokens['practitioner']}"}
    assert client.get(url, headers=practitioner).status_code == 403
    manager = {"Authorization": f"Bearer {api_tokens['manager']}"}
    assert client.get(url, headers=manager).status_code == 200


def test_the_purge_clears_every_copy_of_a_closed_cases_text_codes_and_old_mail(
    store, team, users, today
):
    """The attack: after the purge, the clinic's action text and owner, the interim
    assessment note, the code in scan previews and the whole mail log were still there."""
    view = add_family(store, team, initials="ZQx", stage=2, review="2030-01-01",
                      opened=today - timedelta(days=900), actor=Actor.cli())  # fmt: skip
    fid, token = view["id"], view["token"]
    booking = store["clinic_bookings"].insert({
        "team_id": team["id"], "family_id": fid, "purpose": "lpm", "day": "2024-01-04",
        "start": "14:00", "minutes": 30}).last_pk  # fmt: skip
    store["clinic_actions"].insert({"booking_id": booking, "owner": "Sam Okafor",
                                    "text": "Ask Mum about her new partner",
                                    "due_on": "2024-01-11"})  # fmt: skip
    store["interim_assessments"].insert({"team_id": team["id"], "family_id": fid,
                                         "on_date": "2024-01-02",
                                         "note": "Dad back in the home"})  # fmt: skip
    preview = {
        "moves": [{"token": token, "initials": "ZQx", "from": 1, "to": 2}],
        "missing": [{"token": "OTHERTOKEN", "initials": "KEp"}],
    }
    store["scans"].insert({"team_id": team["id"], "created_at": "2024-01-03T10:00:00+00:00",
                           "content_hash": "h", "result": "{}", "preview": json.dumps(preview),
                           "status": "applied", "applied": json.dumps(preview)})  # fmt: skip
    for age in (120, 10):
        store["mail_log"].insert({"key": f"k{age}", "day": "x", "kind": "weekly",
                                  "to_addr": "sam@council.example",
                                  "subject": "Your cases: ZQx is overdue", "status": "sent",
                                  "created_at": f"{(today - timedelta(days=age)).isoformat()}"
                                                "T07:00:00Z"})  # fmt: skip
    close_case(store, get_family_row(store, token), team, views="child", scaling=6,
               reason="Plan completed", on=today - timedelta(days=800),
               actor=Actor.cli())  # fmt: skip

    done = purge(store, today)

    assert done["anonymised"] == 1 and done["mail_log"] == 1
    action = next(store["clinic_actions"].rows)
    assert (action["text"], action["owner"]) == ("", "")
    assert next(store["interim_assessments"].rows)["note"] is None
    scan = next(store["scans"].rows)
    for column in ("preview", "applied"):
        assert "ZQx" not in scan[column] and "KEp" in scan[column]  # others' codes stay
    assert [r["key"] for r in store["mail_log"].rows] == ["k10"]
