"""PATCH /api/tiles/<token> (docs/contract.md §8): managers change a tile as data."""

from __future__ import annotations

import json

import pytest

from tests.helpers.web import bearer
from webapp.cases.families import get_family_row


def test_a_manager_changes_date_and_stage_with_an_event_and_an_audit_entry(
    client, api_tokens, fam, store, today
):
    token = fam["TWr"]["token"]
    body = {"next_review": "2030-01-31", "stage": 3}
    response = client.patch(f"/api/tiles/{token}", json=body, headers=bearer(api_tokens, "manager"))
    assert response.status_code == 200, response.json
    got = client.get(f"/api/tiles/{token}", headers=bearer(api_tokens, "manager")).json
    assert response.json == got
    assert (got["next_review"], got["stage"], got["status"]) == ("2030-01-31", 3, "green")
    row = get_family_row(store, token)
    kinds = [r["kind"] for r in store.query(
        "select kind from events where family_id = ? order by id", [row["id"]])]  # fmt: skip
    assert kinds[-2:] == ["stage_moved", "review_set"]
    audit = list(store.query("select * from audit where target = ? and source = 'api' "
                             "and action = 'stage.move'", [token]))  # fmt: skip
    assert json.loads(audit[0]["detail"]) == {"next_review": "2030-01-31", "stage": 3}


def test_a_practitioner_token_is_403_and_changes_nothing(client, api_tokens, fam, store):
    token = fam["TWr"]["token"]
    before = get_family_row(store, token)
    response = client.patch(
        f"/api/tiles/{token}", json={"stage": 2}, headers=bearer(api_tokens, "practitioner")
    )
    assert response.status_code == 403 and "error" in response.json
    assert get_family_row(store, token) == before


@pytest.mark.parametrize(
    "body",
    [
        {"next_review": "9999-12-31"},
        {"next_review": "0001-01-01"},
        {"next_review": "31/01/2030"},
        {"next_review": 20300131},
        {"stage": 7},
        {"stage": 0},
        {"stage": True},
        {"stage": 2**63},
        {"stage": 2, "next_review": "2030-02-30"},
        {"colour": "red"},
        {},
        [1, 2],
        "text",
    ],
)
def test_a_bad_value_is_400_with_an_error_and_changes_nothing(client, api_tokens, fam, store, body):
    token = fam["TWr"]["token"]
    before = get_family_row(store, token)
    events = store["events"].count
    response = client.patch(f"/api/tiles/{token}", json=body, headers=bearer(api_tokens, "admin"))
    assert response.status_code == 400
    assert response.json["error"]
    assert get_family_row(store, token) == before and store["events"].count == events


def test_not_json_is_400_and_another_teams_tile_is_404(client, api_tokens, fam, other_family):
    headers = bearer(api_tokens, "manager")
    token = fam["TWr"]["token"]
    assert client.patch(f"/api/tiles/{token}", data="stage=2", headers=headers).status_code == 400
    other = client.patch(f"/api/tiles/{other_family['token']}", json={"stage": 2}, headers=headers)
    assert other.status_code == 404
