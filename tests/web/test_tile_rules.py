"""The tile page carries the review rules: open alerts, and a proposed review date
when a manager moves the stage."""

from datetime import timedelta

from tests.helpers.web import flatten, text
from webapp.accounts.teams import team_today
from webapp.cases.families import get_family_row
from webapp.rules.alert_records import add_manager_alert
from webapp.rules.team_rules import proposed_review
from webapp.values.actor import Actor


def test_stage_move_offers_the_proposed_review_and_sets_both(client_for, store, team, fam):
    manager = client_for("manager")
    token = fam["MOl"]["token"]
    page = text(manager.get(f"/t/{token}"))
    proposed = proposed_review(store, team, 3, team_today(team)).isoformat()
    assert f'data-value="{proposed}"' in page

    new_review = (team_today(team) + timedelta(days=21)).isoformat()
    response = manager.form(f"/t/{token}/stage", {"stage": "3", "review": new_review})
    assert response.status_code == 302
    row = get_family_row(store, token)
    assert (row["stage"], row["next_review"]) == (3, new_review)


def test_bad_review_with_a_move_changes_nothing(client_for, store, fam):
    token = fam["MOl"]["token"]
    before = get_family_row(store, token)
    response = client_for("manager").form(
        f"/t/{token}/stage", {"stage": "3", "review": "2027-02-30"}, follow_redirects=True
    )
    assert "real date" in text(response)
    after = get_family_row(store, token)
    assert (after["stage"], after["next_review"]) == (before["stage"], before["next_review"])


def test_open_alerts_show_on_the_tile_page(client_for, store, team, fam, users):
    row = get_family_row(store, fam["TWr"]["token"])
    add_manager_alert(
        store,
        team,
        row["token"],
        due_on=team_today(team),
        action="Request school information",
        timescale="within two weeks",
        actor=Actor.web(users["manager"]["id"]),
    )
    page = flatten(text(client_for("practitioner").get(f"/t/{row['token']}")))
    assert "Alerts" in page
    assert "Request school information" in page
