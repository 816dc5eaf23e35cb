"""The tile page /t/<token>: what each role sees and may change, team scoping, canonical URLs."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers.web import flatten, text
from webapp.accounts.teams import team_today
from webapp.cases.families import get_family_row
from webapp.store.events import family_history


def test_tile_page_shows_code_date_due_status_stage_and_history(client_for, fam, team):
    token = fam["TWr"]["token"]
    page = flatten(text(client_for("practitioner").get(f"/t/{token}")))
    review = team_today(team) + timedelta(days=9)
    assert "TWr" in page
    assert review.strftime("%-d %b %Y") in page
    assert "due in 9 days" in page
    assert "amber: due soon" in page  # colour in words for colour-blind users
    assert "1. Assessment" in page
    assert "Registered on board 1" in page  # history
    assert "not in a scanned photo yet" in page


def test_overdue_tile_says_how_many_days(client_for, fam):
    page = flatten(text(client_for("practitioner").get(f"/t/{fam['AKh']['token']}")))
    assert "3 days overdue" in page and "red: overdue" in page


def test_lower_case_and_upper_case_paths_redirect_to_the_canonical_url(client, fam):
    token = fam["TWr"]["token"]
    for path in (f"/t/{token.lower()}", f"/T/{token}", f"/T/{token.lower()}"):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response.location == f"/t/{token}"


def test_another_teams_token_and_unknown_tokens_are_404(client_for, other_family, fam):
    client = client_for("admin")
    assert client.get(f"/t/{other_family['token']}").status_code == 404
    assert client.get("/t/0000000000").status_code == 404
    assert client.get("/t/not-a-token").status_code == 404
    # and the other way round: the outsider cannot see this team's tile
    assert client_for("outsider").get(f"/t/{fam['TWr']['token']}").status_code == 404
    assert client_for("outsider").get(f"/t/{other_family['token']}").status_code == 200


def test_practitioner_reads_but_cannot_change(client_for, fam, store, team):
    client = client_for("practitioner")
    token = fam["TWr"]["token"]
    page = text(client.get(f"/t/{token}"))
    assert "Set date" not in page and "Close the case" not in page
    for action, data in (("review", {"review": "2031-01-01"}), ("stage", {"stage": "3"})):
        assert client.form(f"/t/{token}/{action}", data).status_code == 403
    assert client.form(f"/t/{token}/close").status_code == 403
    row = get_family_row(store, token, team)
    assert (row["next_review"], row["stage"], row["closed"]) == (fam["TWr"]["next_review"], 1, None)


def test_manager_sets_date_moves_stage_closes_and_reopens(client_for, fam, store, team):
    client = client_for("manager")
    token = fam["MOl"]["token"]
    assert "Set date" in text(client.get(f"/t/{token}"))
    response = client.form(f"/t/{token}/review", {"review": "2031-02-03"}, follow_redirects=True)
    assert "Next review date set to Mon 3 Feb 2031" in text(response)
    client.form(f"/t/{token}/stage", {"stage": "4"})
    row = get_family_row(store, token, team)
    assert (row["next_review"], row["stage"]) == ("2031-02-03", 4)
    refused = client.form(
        f"/t/{token}/close", {"closed_as": "closed", "scaling": "5"}, follow_redirects=True
    )
    assert "whose views were considered" in text(refused)
    assert get_family_row(store, token, team)["closed"] is None
    close = {
        "closed_as": "stepped-down",
        "views": ["child", "family"],
        "scaling": "7",
        "reason": "no network left",
    }
    client.form(f"/t/{token}/close", close)
    row = get_family_row(store, token, team)
    assert (row["closed_as"], row["closed_views"], row["closed_scaling"]) == (
        "stepped-down",
        "child,family",
        7,
    )
    assert "Reopen the case" in text(client.get(f"/t/{token}"))
    client.form(f"/t/{token}/reopen")  # no review date for the new episode: refused
    assert get_family_row(store, token, team)["closed"] is not None
    client.form(f"/t/{token}/reopen", {"review": "2031-01-01", "stage": "2"})
    again = get_family_row(store, token, team)
    assert (again["closed"], again["stage"], again["next_review"]) == (None, 2, "2031-01-01")
    kinds = [e["kind"] for e in family_history(store, row["id"])]
    assert kinds[:4] == ["reopened", "closed", "stage_moved", "review_set"]
    actions = [r["action"] for r in store.query("select action from audit order by id")]
    assert actions.count("review.set") == 1 and actions.count("stage.move") == 1
    assert "case.close" in actions and "case.reopen" in actions


def test_manager_moves_the_stage_with_the_agreed_review_date(client_for, fam, store, team):
    client = client_for("manager")
    token = fam["MOl"]["token"]
    moved = client.form(
        f"/t/{token}/stage", {"stage": "3", "review": "2031-05-06"}, follow_redirects=True
    )
    assert "Moved to board 3, next review Tue 6 May 2031." in text(moved)
    row = get_family_row(store, token, team)
    assert (row["stage"], row["next_review"]) == (3, "2031-05-06")
    refused = client.form(
        f"/t/{token}/stage", {"stage": "5", "review": "2031-02-30"}, follow_redirects=True
    )
    assert "review must be a real date" in text(refused)
    assert get_family_row(store, token, team) == row  # neither the stage nor the date
    kinds = [e["kind"] for e in family_history(store, row["id"])]
    assert kinds[:2] == ["review_set", "stage_moved"]


def test_bad_date_is_a_clear_message_and_changes_nothing(client_for, fam, store, team):
    token = fam["MOl"]["token"]
    response = client_for("manager").form(
        f"/t/{token}/review", {"review": "2031-02-30"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "review must be a real date" in text(response)
    assert get_family_row(store, token, team)["next_review"] == fam["MOl"]["next_review"]


def test_change_without_csrf_token_is_rejected(csrf_client, csrf_auth, fam, store, team):
    token = fam["MOl"]["token"]
    assert csrf_auth.login("manager").status_code == 302
    response = csrf_client.post(f"/t/{token}/review", data={"review": "2031-01-01"})
    assert response.status_code == 400
    assert get_family_row(store, token, team)["next_review"] == fam["MOl"]["next_review"]


def test_manager_cannot_change_another_teams_tile(client_for, other_family):
    response = client_for("manager").form(
        f"/t/{other_family['token']}/review", {"review": "2031-01-01"}
    )
    assert response.status_code == 404


def test_viewing_a_tile_is_audited(client_for, fam, store):
    client_for("practitioner").get(f"/t/{fam['RSm']['token']}")
    rows = list(store.query("select a.*, u.username from audit a join users u on u.id = a.user_id "
                            "where a.action != 'login'"))  # fmt: skip
    assert [(r["username"], r["action"], r["target"]) for r in rows] == [
        ("practitioner", "tile.view", fam["RSm"]["token"])
    ]
