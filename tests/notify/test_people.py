"""Users with an email address; service managers and heads of practice who read several
teams; a team's own recipients for an alert role."""

from __future__ import annotations

import pytest

from tests.helpers.web import PASSWORD, AuthActions
from webapp.accounts.people import role_holders, set_team_recipients, user_team_ids
from webapp.accounts.roles import HOP, SM, TM
from webapp.accounts.teams import ensure_team
from webapp.cases.families import add_family
from webapp.errors import BadInput
from webapp.values.actor import Actor


def test_user_add_with_email_and_several_teams(runner, store, team):
    ensure_team(store, "North")
    result = runner(
        "user", "add", "sam", "--role", "service-manager", "--team", "Team", "--team", "North",
        "--email", "sam@council.example", "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    row = next(store["users"].rows_where("username = 'sam'"))
    assert row["email"] == "sam@council.example"
    names = {store["teams"].get(t)["name"] for t in user_team_ids(store, row)}
    assert names == {"Team", "North"}


def test_practitioner_cannot_join_two_teams_nor_reuse_an_email(runner, store, add_person):
    ensure_team(store, "North")
    result = runner(
        "user", "add", "pat", "--role", "practitioner", "--team", "Team", "--team", "North",
        "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "several teams" in result.output
    assert not store["users"].count_where("username = 'pat'")
    add_person("ann", "practitioner", email="ann@council.example")
    with pytest.raises(BadInput, match="already has"):
        add_person("ann2", "practitioner", email="ANN@council.example")


def test_alerts_go_to_role_holders_unless_the_team_names_its_own(store, team, add_person):
    sm1 = add_person("sm1", "service-manager", email="sm1@x.example", teams=("Team", "North"))
    sm2 = add_person("sm2", "service-manager", email="sm2@x.example", teams=("North", "Team"))
    add_person("sm3", "service-manager", email="sm3@x.example", teams=("North",))
    hop = add_person("hop", "head-of-practice", email="hop@x.example", teams=("Team",))
    mgr = add_person("mgr", "manager", email="mgr@x.example")
    assert [u["username"] for u in role_holders(store, team, SM)] == ["sm1", "sm2"]
    assert [u["id"] for u in role_holders(store, team, HOP)] == [hop["id"]]
    assert [u["id"] for u in role_holders(store, team, TM)] == [mgr["id"]]
    set_team_recipients(store, team, SM, ["sm2"])
    assert [u["id"] for u in role_holders(store, team, SM)] == [sm2["id"]]
    set_team_recipients(store, team, SM, [])
    assert {u["id"] for u in role_holders(store, team, SM)} == {sm1["id"], sm2["id"]}


def test_service_manager_reads_each_of_their_teams_and_switches(app, store, team, add_person):
    north = ensure_team(store, "North")
    ensure_team(store, "South")
    ours = add_family(store, team, initials="TWr", stage=1, review="2030-01-01", actor=Actor.cli())
    theirs = add_family(
        store, north, initials="JSm", stage=2, review="2030-01-01", actor=Actor.cli()
    )
    south = add_family(store, ensure_team(store, "South"), initials="KLo", stage=2,
                       review="2030-01-01", actor=Actor.cli())  # fmt: skip
    add_person("sam", "service-manager", teams=("Team", "North"))
    client = app.test_client()
    assert AuthActions(client).login("sam").status_code == 302
    assert client.get(f"/t/{ours['token']}").status_code == 200
    assert client.get(f"/t/{theirs['token']}").status_code == 404
    page = client.get("/").get_data(as_text=True)
    assert 'name="team_id"' in page and "North" in page and "South" not in page
    client.post("/team", data={"team_id": north["id"], "next": "/"})
    assert client.get(f"/t/{theirs['token']}").status_code == 200
    assert client.get(f"/t/{ours['token']}").status_code == 404
    # a team they do not read is ignored: they stay on their home team
    client.post("/team", data={"team_id": south["team_id"], "next": "/"})
    assert client.get(f"/t/{south['token']}").status_code == 404
    assert client.get(f"/t/{ours['token']}").status_code == 200


def test_email_and_teams_of_an_existing_user_from_the_command_line(runner, store, add_person):
    add_person("sam", "service-manager")
    add_person("pat", "practitioner")
    ensure_team(store, "North")
    assert runner("user", "email", "sam", "sam@council.example").exit_code == 0
    assert runner("user", "join", "sam", "--team", "North").exit_code == 0
    sam = next(store["users"].rows_where("username = 'sam'"))
    assert sam["email"] == "sam@council.example" and len(user_team_ids(store, sam)) == 2
    bad = runner("user", "email", "pat", "not-an-address")
    assert bad.exit_code == 2 and "not an email address" in bad.output
    refused = runner("user", "join", "pat", "--team", "North")
    assert refused.exit_code == 2 and "several teams" in refused.output


def test_admin_adds_a_user_with_an_email_and_names_the_teams_recipients(
    client_for, store, team, add_person
):
    admin = client_for("admin")
    form = {"username": "hana", "role": "head-of-practice", "password": PASSWORD,
            "email": "hana@council.example", "full_name": "Hana Ito"}  # fmt: skip
    admin.post("/admin/users", data=form)
    hana = next(store["users"].rows_where("username = 'hana'"))
    assert hana["email"] == "hana@council.example" and hana["role"] == "head-of-practice"
    assert hana["full_name"] == "Hana Ito"
    add_person("deputy", "manager")
    admin.post("/admin/mail/recipients", data={"role": HOP, "usernames": "deputy hana"})
    assert [u["username"] for u in role_holders(store, team, HOP)] == ["deputy", "hana"]
    page = admin.get("/admin/mail").get_data(as_text=True)
    assert 'value="deputy hana"' in page
    refused = admin.post("/admin/mail/recipients", data={"role": HOP, "usernames": "nobody"})
    assert refused.status_code == 404
    assert [u["username"] for u in role_holders(store, team, HOP)] == ["deputy", "hana"]


def test_a_service_manager_records_the_follow_up_of_their_escalation(
    app, store, team, family, add_person, today
):
    from datetime import timedelta

    add_person("sam", "service-manager", teams=("Team", "North"))
    case = family("TWr", stage=2, due=30, case_type="s.31",
                  opened=(today - timedelta(weeks=38)).isoformat())  # fmt: skip
    client = app.test_client()
    AuthActions(client).login("sam")
    tile = client.get(f"/t/{case['token']}").get_data(as_text=True)
    assert "Followed up" in tile
    answer = client.post("/alerts/follow-up", data={"token": case["token"], "key": "s31-sm",
                                                    "back": f"/t/{case['token']}"})  # fmt: skip
    assert answer.status_code == 302
    assert store["follow_ups"].count == 1
    # and may request an alert on a date (Cafcass triggers: "Service Manger or Head of
    # Practice can request an alert be triggered on a specified date"; contract §16)
    asked = {"token": case["token"], "date": today.isoformat(), "action": "check the plan"}
    assert client.post("/alerts/new", data=asked).status_code == 302
    assert store["manager_alerts"].count == 1
