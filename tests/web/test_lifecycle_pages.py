"""A case's life on the tile page (docs/contract.md §6): a manager changes, closes and
transfers a case; bad input gets a clear message and writes nothing; scaling trend."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from werkzeug.security import generate_password_hash

import webapp.accounts.users
from tests.helpers.web import PASSWORD, AuthActions, flatten, text
from webapp.accounts.users import add_user
from webapp.cases.families import get_family_row
from webapp.cases.lifecycle import close_case
from webapp.meeting.outcomes import record_outcome
from webapp.store.events import family_history
from webapp.values.actor import Actor


def events_of(store, token: str) -> list[str]:
    return [e["kind"] for e in family_history(store, get_family_row(store, token)["id"])]


def test_tile_page_shows_every_code_of_a_family_group(client_for, family):
    view = family("TWr JWr KWr")
    page = flatten(text(client_for("practitioner").get(f"/t/{view['token']}")))
    assert "TWr JWr KWr" in page
    board = flatten(text(client_for("practitioner").get("/")))
    assert all(code in board for code in ("TWr", "JWr", "KWr"))


def test_manager_changes_the_case_from_a_date_on_the_tile_page(client_for, family, store, today):
    view = family("TWr", opened=(today - timedelta(days=60)).isoformat())
    client = client_for("manager")
    page = text(client.get(f"/t/{view['token']}"))
    assert "Change type, flags, dates, worker or codes" in page and "Close or step down" in page
    on = (today - timedelta(days=7)).isoformat()
    form = {
        "date": on,
        "case_type": "16.4",
        "flag": ["CSE", "MARAC"],
        "proceedings_start": on,
        "worker": "Ada Obi",
        "initials": "TWr jwr",
    }
    done = client.form(f"/t/{view['token']}/set", form, follow_redirects=True)
    assert "Case changed." in text(done)
    row = get_family_row(store, view["token"])
    assert (row["case_type"], row["type_since"], row["proceedings_start"]) == ("16.4", on, on)
    assert (row["worker"], row["initials"]) == ("Ada Obi", "TWr JWr")
    page = flatten(text(done))
    assert "Flag added: CSE" in page and "Case type: none → 16.4" in page
    assert "Board codes: TWr → TWr JWr" in page
    actions = [r["action"] for r in store.query("select action from audit")]
    assert "case.change" in actions


def test_bad_changes_on_the_page_say_why_and_write_nothing(client_for, family, store, today):
    view = family("TWr", opened=today.isoformat())
    client = client_for("manager")
    token = view["token"]
    before = events_of(store, token)
    yesterday = (today - timedelta(days=1)).isoformat()
    cases = [
        ("set", {"flag": ["Witchcraft"]}, "unknown flag"),
        ("set", {"date": yesterday, "worker": "X"}, "before the case opened"),
        ("close", {"closed_as": "closed", "scaling": "5"}, "whose views were considered"),
        ("close", {"closed_as": "closed", "views": ["child"], "scaling": "12"}, "from 0 to 10"),
        ("transfer", {"to_team": "Team"}, "already with Team"),
        ("transfer", {"to_team": "Nowhere"}, "Nowhere"),
    ]
    for action, form, words in cases:
        response = client.form(f"/t/{token}/{action}", form, follow_redirects=True)
        assert response.status_code == 200, action
        assert words in text(response), (action, words)
    assert events_of(store, token) == before
    assert get_family_row(store, token)["closed"] is None


def test_a_practitioner_cannot_change_close_or_transfer(client_for, family, store):
    token = family("TWr")["token"]
    client = client_for("practitioner")
    for action in ("set", "close", "transfer", "reopen"):
        assert client.form(f"/t/{token}/{action}", {"worker": "X"}).status_code == 403
    assert events_of(store, token) == ["created"]


def test_transfer_from_the_page_old_team_404_new_team_sees_it_with_history(
    client_for, app, family, store, other_team, today, monkeypatch
):
    token = family("TWr JWr", stage=2)["token"]
    manager = client_for("manager")
    manager.form(f"/t/{token}/review", {"review": (today + timedelta(days=40)).isoformat()})
    response = manager.form(
        f"/t/{token}/transfer", {"to_team": "Elsewhere", "stage": "3", "date": today.isoformat()}
    )
    assert response.status_code == 302 and response.location == "/"
    assert manager.get(f"/t/{token}").status_code == 404
    assert client_for("practitioner").get(f"/t/{token}").status_code == 404
    # a practitioner of the new team scans the tile: the new team's page, whole history
    cheap = partial(generate_password_hash, method="pbkdf2:sha256:1000")
    monkeypatch.setattr(webapp.accounts.users, "generate_password_hash", cheap)
    add_user(store, "newpr", "practitioner", PASSWORD, other_team["name"])
    theirs = app.test_client()
    login = AuthActions(theirs).login("newpr", next=f"/t/{token}")
    assert login.location == f"/t/{token}"
    page = flatten(text(theirs.get(f"/t/{token}")))
    assert "TWr JWr" in page and "3. " in page
    assert "Transferred from Team to Elsewhere, board 3" in page
    assert "Review date" in page and "Registered on board 2" in page
    board = flatten(text(theirs.get("/")))
    assert "TWr" in board


def test_close_form_records_views_and_scaling_and_the_trend_chart(
    client_for, family, store, team, today, users
):
    token = family("TWr", opened=(today - timedelta(days=70)).isoformat())["token"]
    for weeks, score in ((3, 2), (2, 4), (1, 5)):
        row = get_family_row(store, token)
        day = today - timedelta(weeks=weeks)
        record_outcome(store, team, row, note="plan reviewed",
                       meeting_date=day, scaling=score,
                       actor=Actor.web(users["manager"]["id"]))  # fmt: skip
    client = client_for("manager")
    page = text(client.get(f"/t/{token}"))
    assert "<svg" in page and "<polyline" in page
    assert "oldest first:\n" in page or "oldest first:" in page
    flat = flatten(page)
    assert "2 (" in flat and "4 (" in flat and "5 (" in flat
    assert "plan reviewed; scaling 5/10" in flat  # the history says what the meeting decided
    close = {"closed_as": "stepped-down", "views": ["child", "family", "network"], "scaling": "8",
             "reason": "plan met", "date": today.isoformat()}  # fmt: skip
    done = flatten(text(client.form(f"/t/{token}/close", close, follow_redirects=True)))
    assert "Case stepped down" in done
    assert "views considered: child, family, network; scaling 8/10; plan met" in done
    assert "8 (" in done and "at closing" in done
    again = {"date": today.isoformat(), "review": (today + timedelta(days=28)).isoformat()}
    reopen = client.form(f"/t/{token}/reopen", again, follow_redirects=True)
    assert "reopened as a new episode" in flatten(text(reopen))
    assert get_family_row(store, token)["opened"] == today.isoformat()


def test_the_api_shows_every_code_and_how_a_case_closed(client, api_tokens, family, store, team):
    token = family("TWr JWr KWr")["token"]
    headers = {"Authorization": f"Bearer {api_tokens['practitioner']}"}
    tile = client.get(f"/api/tiles/{token}", headers=headers).get_json()
    assert (tile["initials"], tile["codes"], tile["closed_as"]) == (
        "TWr JWr KWr",
        ["TWr", "JWr", "KWr"],
        None,
    )
    row = get_family_row(store, token)
    close_case(
        store,
        row,
        team,
        closed_as="stepped-down",
        views="family",
        scaling=7,
        reason="child too young",
        actor=Actor.cli(),
    )
    tile = client.get(f"/api/tiles/{token}", headers=headers).get_json()
    assert (tile["status"], tile["closed_as"]) == ("closed", "stepped-down")


def test_admin_sets_the_rereferral_window_labelled_as_ours(client_for, store, team):
    client = client_for("admin")
    page = flatten(text(client.get("/admin/team")))
    assert "Re-referral window (months)" in page and "not a figure from the policy" in page
    form = {"amber_days": "14", "timezone": "Europe/London", "marker_base": "0"}
    client.post("/admin/team", data={**form, "rereferral_months": "18"})
    from webapp.accounts.teams import team_by_id
    from webapp.cases.families import rereferral_months

    assert rereferral_months(team_by_id(store, team["id"])) == 18
    bad = client.post("/admin/team", data={**form, "rereferral_months": "0"}, follow_redirects=True)
    assert "re-referral window" in text(bad)
    assert rereferral_months(team_by_id(store, team["id"])) == 18
